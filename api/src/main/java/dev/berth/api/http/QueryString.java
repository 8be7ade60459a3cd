package dev.berth.api.http;

import dev.berth.common.EngineException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsed query parameters ({@code a=1&a=2&b}), plus the percent-decoding the server needs. */
final class QueryString {
    private final Map<String, List<String>> values;

    private QueryString(Map<String, List<String>> values) {
        this.values = values;
    }

    /** @throws EngineException INVALID_ARGUMENT on a malformed escape, as Go's ParseQuery fails */
    static QueryString parse(String raw) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
                values.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return new QueryString(values);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * Percent-decodes UTF-8 text; {@code plusIsSpace} for query components (form encoding), not for
     * path segments, where '+' is itself (a tag like {@code 1.0+build}).
     */
    static String decode(String s, boolean plusIsSpace) {
        if (isPlain(s, plusIsSpace)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw EngineException.invalid("invalid URL escape %s", s.substring(i));
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw EngineException.invalid("invalid URL escape %s", s.substring(i, i + 3));
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                out.write(c); // the request line was read as ISO-8859-1: one char is one raw byte
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isPlain(String s, boolean plusIsSpace) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c > 0x7f || (c == '+' && plusIsSpace)) {
                return false;
            }
        }
        return true;
    }
}
