package dev.berth.cli.format;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Docker's filters.Args from {@code -f key=value} flags. The wire form is
 * {@code {"key":{"value":true}}}; keys are lower-cased and both sides trimmed (filters.ParseFlag).
 */
public final class Filters {
    private final Map<String, Map<String, Boolean>> args = new LinkedHashMap<>();

    public static Filters parse(List<String> flags) {
        Filters f = new Filters();
        for (String flag : flags) f.addFlag(flag);
        return f;
    }

    /** Adds one {@code key=value}; throws "bad format of filter (expected name=value)". */
    public Filters addFlag(String flag) {
        int eq = flag.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("bad format of filter (expected name=value)");
        return add(flag.substring(0, eq).strip().toLowerCase(Locale.ROOT), flag.substring(eq + 1).strip());
    }

    public Filters add(String key, String value) {
        args.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(value, true);
        return this;
    }

    public boolean isEmpty() {
        return args.isEmpty();
    }

    public Map<String, Map<String, Boolean>> asMap() {
        return args;
    }

    /** The JSON for the {@code filters} query parameter (written by hand: no Jackson needed). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Map<String, Boolean>> e : args.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(quote(e.getKey())).append(":{");
            boolean f2 = true;
            for (String v : e.getValue().keySet()) {
                if (!f2) sb.append(',');
                f2 = false;
                sb.append(quote(v)).append(":true");
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
