package dev.berth.cli.format;

import dev.berth.common.json.JsonWriter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.berth.common.json.JsonNode;

/**
 * How template values behave like Go values: printing ({@code fmt.Sprint}), truth, length,
 * JSON encoding. Values are JDK types, Jackson nodes, records or {@link TemplateRow}s.
 */
final class GoValues {
    /** Go's "invalid value": a missing map key. Prints as {@code <no value>}. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    private GoValues() {}

    /** Turns Jackson scalars into JDK values; containers stay nodes. */
    static Object unwrap(Object v) {
        if (v instanceof JsonNode n) {
            if (n.isNull() || n.isMissingNode()) return null;
            if (n.isString()) return n.asString();
            if (n.isBoolean()) return n.booleanValue();
            if (n.isIntegralNumber()) return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
            if (n.isNumber()) return n.decimalValue();
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        return v;
    }

    /** fmt.Sprint of one value. */
    static String print(Object v) {
        v = unwrap(v);
        if (v == null) return "<nil>";
        if (v == NO_VALUE) return "<no value>";
        if (v instanceof String s) return s;
        if (v instanceof Double d) return formatFloat(d);
        if (v instanceof Float f) return formatFloat(f.doubleValue());
        if (v instanceof BigDecimal d) return d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(1e21)) < 0
                ? d.toBigInteger().toString() : formatFloat(d.doubleValue());
        if (v instanceof Number || v instanceof Boolean || v instanceof Character) return v.toString();
        if (v instanceof JsonNode n) {
            if (n.isArray()) return printList(elements(n));
            return printMap(entries(n));
        }
        if (v instanceof List<?> l) return printList(l);
        if (v instanceof Object[] a) return printList(List.of(a));
        if (v instanceof Map<?, ?> m) return printMap(m);
        if (v instanceof Record r) {
            StringBuilder sb = new StringBuilder("{");
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (sb.length() > 1) sb.append(' ');
                sb.append(print(component(r, c)));
            }
            return sb.append('}').toString();
        }
        return v.toString();
    }

    private static String printList(List<?> l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) sb.append(' ');
            sb.append(print(l.get(i)));
        }
        return sb.append(']').toString();
    }

    private static String printMap(Map<?, ?> m) {
        StringBuilder sb = new StringBuilder("map[");
        boolean first = true;
        for (Map.Entry<?, ?> e : sorted(m).entrySet()) {
            if (!first) sb.append(' ');
            first = false;
            sb.append(print(e.getKey())).append(':').append(print(e.getValue()));
        }
        return sb.append(']').toString();
    }

    /** Go prints float64 with %v as the shortest 'g' form, exponent when < -4 or >= 21. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "+Inf" : "-Inf";
        if (d == 0) return "0";
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp < -4 || exp >= 21) {
            String digits = b.unscaledValue().abs().toString();
            String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return b.toPlainString();
    }

    static Map<String, Object> sorted(Map<?, ?> m) {
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    static List<Object> elements(JsonNode n) {
        List<Object> out = new ArrayList<>(n.size());
        for (JsonNode e : n) out.add(e);
        return out;
    }

    static Map<String, Object> entries(JsonNode n) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new TemplateException("cannot read " + c.getName() + ": " + e);
        }
    }

    /** Go's truth: false, 0, nil and empty strings, slices and maps are false. */
    static boolean truth(Object v) {
        v = unwrap(v);
        if (v == null || v == NO_VALUE) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s) return !s.isEmpty();
        if (v instanceof BigDecimal d) return d.signum() != 0;
        if (v instanceof BigInteger d) return d.signum() != 0;
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof JsonNode n) return !n.isEmpty();
        if (v instanceof List<?> l) return !l.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    /** Go type names for error messages. */
    static String typeName(Object v) {
        v = unwrap(v);
        if (v == null || v == NO_VALUE) return "interface {}";
        if (v instanceof String) return "string";
        if (v instanceof Long) return "int";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Number) return "float64";
        if (v instanceof JsonNode n) return n.isArray() ? "[]interface {}" : "map[string]interface {}";
        if (v instanceof List<?>) return "[]interface {}";
        if (v instanceof Map<?, ?>) return "map[string]interface {}";
        if (v instanceof TemplateRow r) return r.typeName();
        return v.getClass().getSimpleName();
    }

    /** What Docker's {@code json} function prints (encoding/json, no HTML escaping, no newline). */
    static String json(Object v) {
        return JsonWriter.write(toJsonable(v));
    }

    private static Object toJsonable(Object v) {
        if (v == NO_VALUE) return null;
        if (v instanceof TemplateRow r) return toJsonable(new TreeMap<>(r.jsonFields()));
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), toJsonable(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(toJsonable(o));
            return out;
        }
        if (v instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) out.put(c.getName(), toJsonable(component(r, c)));
            return out;
        }
        return v;
    }

    static String string(Object v, String fn) {
        v = unwrap(v);
        if (v instanceof String s) return s;
        if (v == null || v == NO_VALUE) throw new TemplateException("error calling " + fn + ": invalid value; expected string");
        if (v instanceof Number || v instanceof Boolean) return print(v);
        throw new TemplateException("wrong type for value; expected string; got " + typeName(v));
    }

    static long integer(Object v, String fn) {
        v = unwrap(v);
        if (v instanceof Long l) return l;
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new TemplateException("wrong type for value; expected int; got " + typeName(v));
    }

    /** Elements of anything list-like, or null when {@code v} is not list-like. */
    static List<?> list(Object v) {
        if (v instanceof JsonNode n && n.isArray()) return elements(n);
        if (v instanceof List<?> l) return l;
        if (v instanceof Object[] a) return List.of(a);
        return null;
    }
}
