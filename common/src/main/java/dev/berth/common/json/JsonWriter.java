package dev.berth.common.json;

import java.util.Iterator;
import java.util.Map;

/** Writes {@link JsonNode}s and plain Java values (maps, lists, strings, numbers, booleans) as JSON. */
public final class JsonWriter {
    private JsonWriter() {}

    /** Compact JSON for a node, a {@link Map}, an {@link Iterable}, a scalar or null. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, null, 0);
        return sb.toString();
    }

    /**
     * {@code indent} null: compact; otherwise one member per line, as config files are written.
     * An instanceof chain, not a pattern switch: each pattern switch costs its first caller an
     * indy bootstrap that spins a class (~2 ms), and the CLI writes JSON in its first request.
     */
    static void write(Object v, StringBuilder sb, String indent, int level) {
        if (v == null || v instanceof JsonNode.Null) {
            sb.append("null");
        } else if (v instanceof JsonNode.Missing) {
            // nothing: a missing node writes nothing
        } else if (v instanceof JsonNode.Text t) {
            quote(t.value, sb);
        } else if (v instanceof JsonNode.Bool b) {
            sb.append(b.value);
        } else if (v instanceof JsonNode.Int n) {
            sb.append(n.value);
        } else if (v instanceof JsonNode.Big n) {
            sb.append(n.value);
        } else if (v instanceof JsonNode.Real n) {
            sb.append(n.value);
        } else if (v instanceof ObjectNode o) {
            members(o.properties().iterator(), o.size(), sb, indent, level);
        } else if (v instanceof ArrayNode a) {
            elements(a.iterator(), a.size(), sb, indent, level);
        } else if (v instanceof Map<?, ?> m) {
            members(m.entrySet().iterator(), m.size(), sb, indent, level);
        } else if (v instanceof Iterable<?> it) {
            elements(it.iterator(), -1, sb, indent, level);
        } else if (v instanceof CharSequence s) {
            quote(s.toString(), sb);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new IllegalArgumentException("not a JSON number: " + d);
        } else if (v instanceof Number n) {
            sb.append(n);
        } else {
            quote(v.toString(), sb);
        }
    }

    private static void members(Iterator<? extends Map.Entry<?, ?>> it, int size, StringBuilder sb, String indent, int level) {
        if (size == 0) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            if (!first) sb.append(',');
            first = false;
            newline(sb, indent, level + 1);
            quote(String.valueOf(e.getKey()), sb);
            sb.append(indent == null ? ":" : ": ");
            write(e.getValue(), sb, indent, level + 1);
        }
        newline(sb, indent, level);
        sb.append('}');
    }

    private static void elements(Iterator<?> it, int size, StringBuilder sb, String indent, int level) {
        if (size == 0 || !it.hasNext()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        while (it.hasNext()) {
            if (!first) sb.append(',');
            first = false;
            newline(sb, indent, level + 1);
            write(it.next(), sb, indent, level + 1);
        }
        newline(sb, indent, level);
        sb.append(']');
    }

    private static void newline(StringBuilder sb, String indent, int level) {
        if (indent == null) return;
        sb.append('\n');
        for (int i = 0; i < level; i++) sb.append(indent);
    }

    static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04X", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
