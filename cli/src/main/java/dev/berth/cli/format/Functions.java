package dev.berth.cli.format;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/** Template functions: Go's builtins plus Docker's (docker/cli templates/templates.go). */
public final class Functions {
    /** A template function; arguments are already evaluated, the piped value last. */
    @FunctionalInterface
    public interface Fn {
        Object apply(List<Object> args);
    }

    private Functions() {}

    /** Go's strconv.Quote (as printf %q), which Docker uses for the ps COMMAND column. */
    public static String quote(String s) {
        return Printf.quote(s);
    }

    /** Docker's basic functions and Go's builtins: one shared, unmodifiable map (a table renders it once per row). */
    public static Map<String, Fn> standard() {
        return Standard.FUNCTIONS;
    }

    private static final class Standard {
        static final Map<String, Fn> FUNCTIONS = Map.copyOf(build());
    }

    private static Map<String, Fn> build() {
        Map<String, Fn> f = new HashMap<>();
        f.put("json", a -> GoValues.json(arg(a, 0, 1, "json")));
        f.put("split", a -> {
            String s = GoValues.string(arg(a, 0, 2, "split"), "split");
            String sep = GoValues.string(a.get(1), "split");
            return split(s, sep);
        });
        f.put("join", a -> {
            List<?> l = GoValues.list(GoValues.unwrap(arg(a, 0, 2, "join")));
            if (l == null) throw new TemplateException("wrong type for value; expected []string; got " + GoValues.typeName(a.get(0)));
            List<String> parts = new ArrayList<>();
            for (Object o : l) parts.add(GoValues.print(o));
            return String.join(GoValues.string(a.get(1), "join"), parts);
        });
        f.put("title", a -> title(GoValues.string(arg(a, 0, 1, "title"), "title")));
        f.put("lower", a -> GoValues.string(arg(a, 0, 1, "lower"), "lower").toLowerCase(java.util.Locale.ROOT));
        f.put("upper", a -> GoValues.string(arg(a, 0, 1, "upper"), "upper").toUpperCase(java.util.Locale.ROOT));
        f.put("pad", a -> {
            String s = GoValues.string(arg(a, 0, 3, "pad"), "pad");
            if (s.isEmpty()) return s;
            return " ".repeat((int) GoValues.integer(a.get(1), "pad")) + s + " ".repeat((int) GoValues.integer(a.get(2), "pad"));
        });
        f.put("truncate", a -> {
            String s = GoValues.string(arg(a, 0, 2, "truncate"), "truncate");
            long n = GoValues.integer(a.get(1), "truncate");
            return s.length() < n ? s : s.substring(0, (int) n);
        });
        f.put("len", a -> length(arg(a, 0, 1, "len")));
        f.put("index", Functions::index);
        f.put("print", a -> sprint(a, false));
        f.put("println", a -> sprint(a, true));
        f.put("printf", a -> {
            if (a.isEmpty()) throw new TemplateException("wrong number of args for printf: want at least 1 got 0");
            return Printf.format(GoValues.string(a.get(0), "printf"), a.subList(1, a.size()));
        });
        f.put("not", a -> !GoValues.truth(arg(a, 0, 1, "not")));
        f.put("and", a -> {
            for (Object o : a) if (!GoValues.truth(o)) return o;
            return a.getLast();
        });
        f.put("or", a -> {
            for (Object o : a) if (GoValues.truth(o)) return o;
            return a.getLast();
        });
        f.put("eq", a -> {
            if (a.size() < 2) throw new TemplateException("missing argument for comparison");
            for (int i = 1; i < a.size(); i++) if (compare(a.get(0), a.get(i), true) == 0) return true;
            return false;
        });
        f.put("ne", a -> compare(arg(a, 0, 2, "ne"), a.get(1), true) != 0);
        f.put("lt", a -> compare(arg(a, 0, 2, "lt"), a.get(1), false) < 0);
        f.put("le", a -> compare(arg(a, 0, 2, "le"), a.get(1), false) <= 0);
        f.put("gt", a -> compare(arg(a, 0, 2, "gt"), a.get(1), false) > 0);
        f.put("ge", a -> compare(arg(a, 0, 2, "ge"), a.get(1), false) >= 0);
        return f;
    }

    /**
     * Docker's header functions: when a table header is rendered, every formatting function
     * returns its first argument unchanged so the header name shows through.
     */
    public static Map<String, Fn> header() {
        Map<String, Fn> f = new HashMap<>(standard());
        for (String name : List.of("json", "split", "join", "title", "lower", "upper", "pad", "truncate")) {
            f.put(name, a -> a.isEmpty() ? "" : a.get(0));
        }
        return f;
    }

    private static Object arg(List<Object> a, int i, int want, String fn) {
        if (a.size() != want) {
            throw new TemplateException("wrong number of args for " + fn + ": want " + want + " got " + a.size());
        }
        return a.get(i);
    }

    static List<String> split(String s, String sep) {
        List<String> out = new ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        int from = 0;
        while (true) {
            int at = s.indexOf(sep, from);
            if (at < 0) break;
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** strings.Title: upper-cases the first letter of each word; letters, digits and '_' join words. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevSep = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(prevSep ? Character.toTitleCase(c) : c);
            prevSep = !(Character.isLetterOrDigit(c) || c == '_');
        }
        return sb.toString();
    }

    private static Object length(Object v) {
        v = GoValues.unwrap(v);
        if (v instanceof String s) return (long) s.getBytes(StandardCharsets.UTF_8).length;
        if (v instanceof JsonNode n) return (long) n.size();
        if (v instanceof List<?> l) return (long) l.size();
        if (v instanceof Map<?, ?> m) return (long) m.size();
        throw new TemplateException("error calling len: len of type " + GoValues.typeName(v));
    }

    private static Object index(List<Object> a) {
        if (a.isEmpty()) throw new TemplateException("wrong number of args for index: want at least 1 got 0");
        Object item = GoValues.unwrap(a.get(0));
        for (Object key : a.subList(1, a.size())) {
            item = GoValues.unwrap(item);
            List<?> l = GoValues.list(item);
            if (l != null) {
                long i = GoValues.integer(key, "index");
                if (i < 0 || i >= l.size()) throw new TemplateException("error calling index: index out of range: " + i);
                item = l.get((int) i);
            } else if (item instanceof JsonNode n && n.isObject()) {
                JsonNode c = n.get(GoValues.string(key, "index"));
                item = c == null ? "" : c; // Docker's typed maps yield the zero value for a missing key
            } else if (item instanceof Map<?, ?> m) {
                Object c = m.get(GoValues.string(key, "index"));
                item = c == null ? "" : c;
            } else if (item == null || item == GoValues.NO_VALUE) {
                throw new TemplateException("error calling index: index of untyped nil");
            } else {
                throw new TemplateException("error calling index: can't index item of type " + GoValues.typeName(item));
            }
        }
        return item;
    }

    /** fmt.Sprint: spaces between operands when neither side is a string; Sprintln always. */
    private static String sprint(List<Object> a, boolean ln) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.size(); i++) {
            Object v = GoValues.unwrap(a.get(i));
            if (i > 0 && (ln || (!(v instanceof String) && !(GoValues.unwrap(a.get(i - 1)) instanceof String)))) sb.append(' ');
            sb.append(GoValues.print(v));
        }
        if (ln) sb.append('\n');
        return sb.toString();
    }

    /** Orders two basic values; {@code eqOnly} allows any types to be compared for equality. */
    static int compare(Object x, Object y, boolean eqOnly) {
        x = GoValues.unwrap(x);
        y = GoValues.unwrap(y);
        if (x instanceof Number a && y instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
        }
        if (x instanceof String a && y instanceof String b) return a.compareTo(b);
        if (x instanceof Boolean a && y instanceof Boolean b) {
            if (!eqOnly) throw new TemplateException("invalid type for comparison");
            return a.equals(b) ? 0 : 1;
        }
        if (x == null || x == GoValues.NO_VALUE || y == null || y == GoValues.NO_VALUE) {
            if (!eqOnly) throw new TemplateException("invalid type for comparison");
            return (x == null || x == GoValues.NO_VALUE) == (y == null || y == GoValues.NO_VALUE) ? 0 : 1;
        }
        throw new TemplateException("incompatible types for comparison");
    }
}
