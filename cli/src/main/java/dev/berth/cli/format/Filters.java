package dev.berth.cli.format;

import dev.berth.common.json.JsonWriter;
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

    /** The JSON for the {@code filters} query parameter: {@code {"name":{"web":true}}}. */
    public String toJson() {
        return JsonWriter.write(args);
    }
}
