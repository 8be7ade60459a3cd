package dev.berth.cli.container;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Docker's --env-file / --label-file parsing (opts/file.go parseKeyValueFile). */
public final class KeyValueFiles {
    private KeyValueFiles() {}

    /**
     * Parses {@code lines}: leading whitespace trimmed, blank lines and '#' comments skipped,
     * {@code KEY=value} kept verbatim, a bare {@code KEY} taken from {@code lookup} (dropped when
     * absent, or always when {@code lookup} is null).
     */
    public static List<String> parse(String fileName, List<String> lines, Function<String, String> lookup) {
        List<String> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (n == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            line = line.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            key = key.stripLeading();
            if (key.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r')) {
                throw new IllegalArgumentException("poorly formatted environment: variable '" + key + "' contains whitespaces");
            }
            if (key.isEmpty()) throw new IllegalArgumentException("poorly formatted environment: no variable name on line '" + line + "'");
            if (eq >= 0) {
                out.add(key + "=" + line.substring(eq + 1));
            } else if (lookup != null) {
                String v = lookup.apply(key);
                if (v != null) out.add(key + "=" + v);
            }
        }
        return out;
    }

    /** {@code -e KEY} without a value takes the value from the environment, or is dropped. */
    public static List<String> envFlags(List<String> flags, Function<String, String> lookup) {
        List<String> out = new ArrayList<>();
        for (String f : flags) {
            if (f.indexOf('=') >= 0) {
                if (f.startsWith("=")) throw new IllegalArgumentException("invalid environment variable: " + f);
                out.add(f);
            } else {
                String v = lookup.apply(f);
                if (v != null) out.add(f + "=" + v);
            }
        }
        return out;
    }
}
