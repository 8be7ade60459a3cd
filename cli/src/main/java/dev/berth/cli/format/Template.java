package dev.berth.cli.format;

import dev.berth.cli.format.Node.Arg;
import dev.berth.cli.format.Node.Command;
import dev.berth.cli.format.Node.Pipeline;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/**
 * A parsed Go text/template (the subset Docker users write in {@code --format}). Immutable and
 * reusable; {@link #execute} walks the tree like Go's text/template/exec.go.
 *
 * <p>Data may be a {@link Map}, a Jackson {@link JsonNode}, a record (component accessors by exact
 * name, as Go's exported fields) or a {@link TemplateRow}.
 */
public final class Template {
    private final String text;
    private final List<Node> root;

    private Template(String text, List<Node> root) {
        this.text = text;
        this.root = root;
    }

    /** Parses {@code text}; throws {@link TemplateException} with Go's wording on syntax errors. */
    public static Template parse(String text) {
        return new Template(text, new TemplateParser(text).parse());
    }

    public String execute(Object data) {
        return execute(data, Functions.standard(), false);
    }

    /**
     * Runs the template. With {@code missingKeyError} a missing key in a struct-like JSON object is
     * an error, as Docker's inspect fallback ({@code missingkey=error}) makes it.
     */
    public String execute(Object data, Map<String, Functions.Fn> funcs, boolean missingKeyError) {
        Exec e = new Exec(data, funcs, missingKeyError);
        e.walk(data, root);
        return e.out.toString();
    }

    /** State of one execution. */
    private final class Exec {
        final StringBuilder out = new StringBuilder();
        final Map<String, Functions.Fn> funcs;
        final boolean missingKeyError;
        final List<Object[]> vars = new ArrayList<>(); // {name, value}

        Exec(Object data, Map<String, Functions.Fn> funcs, boolean missingKeyError) {
            this.funcs = funcs;
            this.missingKeyError = missingKeyError;
            vars.add(new Object[] {"$", data});
        }

        void walk(Object dot, List<Node> nodes) {
            for (Node n : nodes) walk(dot, n);
        }

        // The node dispatches below are instanceof chains, not pattern switches: each pattern switch
        // spins a class in an indy bootstrap at its first use (~2 ms of every `ps` and `images`),
        // which the AOT cache does not keep.
        void walk(Object dot, Node node) {
            if (node instanceof Node.Text t) {
                out.append(t.text());
            } else if (node instanceof Node.Action a) {
                Object v = pipeline(dot, a.pipe());
                if (a.pipe().decl().isEmpty()) out.append(GoValues.print(v));
            } else if (node instanceof Node.If n) {
                int mark = vars.size();
                boolean t = GoValues.truth(pipeline(dot, n.pipe()));
                walk(dot, t ? n.then() : n.otherwise());
                pop(mark);
            } else if (node instanceof Node.With n) {
                int mark = vars.size();
                Object v = pipeline(dot, n.pipe());
                if (GoValues.truth(v)) walk(v, n.then());
                else walk(dot, n.otherwise());
                pop(mark);
            } else if (node instanceof Node.Range n) {
                range(dot, n);
            } else {
                throw new IllegalStateException(String.valueOf(node));
            }
        }

        private void range(Object dot, Node.Range n) {
            int mark = vars.size();
            Pipeline p = n.pipe();
            Object v = GoValues.unwrap(pipeline(dot, new Pipeline(p.pos(), List.of(), p.cmds())));
            List<Object[]> pairs = new ArrayList<>(); // {key, value}
            if (v == null || v == GoValues.NO_VALUE) {
                // Go: ranging over nil is no iteration, not an error.
            } else if (GoValues.list(v) != null) {
                List<?> l = GoValues.list(v);
                for (int i = 0; i < l.size(); i++) pairs.add(new Object[] {(long) i, l.get(i)});
            } else if (v instanceof JsonNode j && j.isObject()) {
                GoValues.sorted(GoValues.entries(j)).forEach((k, x) -> pairs.add(new Object[] {k, x}));
            } else if (v instanceof Map<?, ?> m) {
                GoValues.sorted(m).forEach((k, x) -> pairs.add(new Object[] {k, x}));
            } else if (v instanceof Long count) {
                for (long i = 0; i < count; i++) pairs.add(new Object[] {i, i});
            } else {
                throw error(n.pos(), "range " + p.cmds().getFirst().args().getFirst(), "range can't iterate over " + GoValues.print(v));
            }
            if (pairs.isEmpty()) {
                walk(dot, n.otherwise());
            }
            for (Object[] kv : pairs) {
                int inner = vars.size();
                if (p.decl().size() == 1) vars.add(new Object[] {p.decl().get(0), kv[1]});
                if (p.decl().size() == 2) {
                    vars.add(new Object[] {p.decl().get(0), kv[0]});
                    vars.add(new Object[] {p.decl().get(1), kv[1]});
                }
                walk(kv[1], n.body());
                pop(inner);
            }
            pop(mark);
        }

        private void pop(int mark) {
            while (vars.size() > mark) vars.removeLast();
        }

        Object pipeline(Object dot, Pipeline p) {
            Object value = null;
            boolean piped = false;
            for (Command c : p.cmds()) {
                value = command(dot, c, piped, value);
                piped = true;
            }
            for (String name : p.decl()) vars.add(new Object[] {name, value});
            return value;
        }

        private Object command(Object dot, Command c, boolean piped, Object fin) {
            Arg first = c.args().getFirst();
            List<Arg> rest = c.args().subList(1, c.args().size());
            if (first instanceof Node.Field f) {
                return chain(dot, f.pos(), f, f.names(), rest, piped, fin, dot);
            } else if (first instanceof Node.Variable v) {
                Object base = variable(v);
                if (v.names().isEmpty()) {
                    noArgs(first, rest, piped);
                    return base;
                }
                return chain(base, v.pos(), v, v.names(), rest, piped, fin, dot);
            } else if (first instanceof Node.Chain ch) {
                Object base = pipeline(dot, ch.pipe());
                if (ch.names().isEmpty()) {
                    noArgs(first, rest, piped);
                    return base;
                }
                return chain(base, ch.pos(), ch, ch.names(), rest, piped, fin, dot);
            } else if (first instanceof Node.Identifier id) {
                Functions.Fn fn = funcs.get(id.name());
                if (fn == null) throw parseLikeError(id.pos(), "function \"" + id.name() + "\" not defined");
                List<Object> args = new ArrayList<>();
                for (Arg a : rest) args.add(operand(dot, a));
                if (piped) args.add(fin);
                try {
                    return fn.apply(args);
                } catch (TemplateException e) {
                    String msg = e.getMessage().startsWith("error calling") || e.getMessage().startsWith("wrong")
                            ? e.getMessage() : "error calling " + id.name() + ": " + e.getMessage();
                    throw error(c.pos(), c, msg);
                }
            } else {
                noArgs(first, rest, piped);
                return operand(dot, first);
            }
        }

        private void noArgs(Arg first, List<Arg> rest, boolean piped) {
            if (!rest.isEmpty() || piped) {
                throw error(first.pos(), first, "can't give argument to non-function " + describe(first));
            }
        }

        /** Evaluates an argument (not in command position). */
        private Object operand(Object dot, Arg a) {
            if (a instanceof Node.Dot) return dot;
            if (a instanceof Node.Nil) return null;
            if (a instanceof Node.Literal l) return l.value();
            if (a instanceof Node.Field f) return chain(dot, f.pos(), f, f.names(), List.of(), false, null, dot);
            if (a instanceof Node.Variable v) {
                return v.names().isEmpty() ? variable(v)
                        : chain(variable(v), v.pos(), v, v.names(), List.of(), false, null, dot);
            }
            if (a instanceof Node.Chain ch) {
                Object base = pipeline(dot, ch.pipe());
                return ch.names().isEmpty() ? base : chain(base, ch.pos(), ch, ch.names(), List.of(), false, null, dot);
            }
            if (a instanceof Node.Identifier id) {
                Functions.Fn fn = funcs.get(id.name());
                if (fn == null) throw parseLikeError(id.pos(), "function \"" + id.name() + "\" not defined");
                return fn.apply(new ArrayList<>());
            }
            throw new IllegalStateException(String.valueOf(a));
        }

        private Object variable(Node.Variable v) {
            for (int i = vars.size() - 1; i >= 0; i--) {
                if (vars.get(i)[0].equals(v.name())) return vars.get(i)[1];
            }
            throw parseLikeError(v.pos(), "undefined variable \"" + v.name() + "\"");
        }

        /** Walks {@code .A.B.C}; arguments (and the piped value) go to the last name. */
        private Object chain(Object recv, int pos, Arg ctx, List<String> names, List<Arg> args, boolean piped, Object fin, Object dot) {
            for (int i = 0; i < names.size(); i++) {
                boolean last = i == names.size() - 1;
                List<Object> a = new ArrayList<>();
                if (last) {
                    for (Arg x : args) a.add(operand(dot, x));
                    if (piped) a.add(fin);
                }
                recv = field(recv, names.get(i), a, pos, ctx);
            }
            return recv;
        }

        private Object field(Object recv, String name, List<Object> args, int pos, Arg ctx) {
            Object r = GoValues.unwrap(recv);
            if (r == null || r == GoValues.NO_VALUE) {
                throw error(pos, ctx, "nil pointer evaluating interface {}." + name);
            }
            if (r instanceof TemplateRow row) {
                Object v;
                try {
                    v = row.field(name, args);
                } catch (TemplateException e) {
                    throw error(pos, ctx, e.getMessage());
                }
                if (v == TemplateRow.MISSING) throw error(pos, ctx, "can't evaluate field " + name + " in type " + row.typeName());
                return v;
            }
            if (r instanceof JsonNode n && n.isObject()) {
                if (!args.isEmpty()) throw error(pos, ctx, name + " is not a method but has arguments");
                JsonNode v = n.get(name);
                if (v != null) return v;
                if (looksLikeStruct(n)) {
                    // Go field names where the JSON key is spelt otherwise: .Server.APIVersion is "ApiVersion"
                    for (String k : n.propertyNames()) {
                        if (k.equalsIgnoreCase(name)) return n.get(k);
                    }
                }
                if (missingKeyError && looksLikeStruct(n)) throw error(pos, ctx, "map has no entry for key \"" + name + "\"");
                return GoValues.NO_VALUE;
            }
            if (r instanceof Map<?, ?> m) {
                if (!args.isEmpty()) throw error(pos, ctx, name + " is not a method but has arguments");
                if (m.containsKey(name)) return m.get(name);
                if (missingKeyError) throw error(pos, ctx, "map has no entry for key \"" + name + "\"");
                return GoValues.NO_VALUE;
            }
            if (r instanceof Record rec) {
                for (RecordComponent c : rec.getClass().getRecordComponents()) {
                    if (c.getName().equals(name)) {
                        if (!args.isEmpty()) throw error(pos, ctx, name + " has arguments but cannot be invoked as function");
                        return GoValues.component(rec, c);
                    }
                }
            }
            throw error(pos, ctx, "can't evaluate field " + name + " in type " + GoValues.typeName(r));
        }

        /**
         * Docker's typed structs have capitalised field names; its maps (labels, options) mostly do
         * not. A missing key is an error only for struct-like objects, like Docker's inspect.
         */
        private static boolean looksLikeStruct(JsonNode n) {
            if (n.isEmpty()) return false;
            for (String k : n.propertyNames()) {
                if (k.isEmpty() || !Character.isUpperCase(k.charAt(0))) return false;
            }
            return true;
        }

        // Nodes are described only when an error needs their text, not at every evaluation.
        private TemplateException error(int pos, Arg ctx, String msg) {
            return error(pos, describe(ctx), msg);
        }

        private TemplateException error(int pos, Command ctx, String msg) {
            return error(pos, describe(ctx), msg);
        }

        /** @param where the text of what was being evaluated */
        private TemplateException error(int pos, String where, String msg) {
            int line = 1, lineStart = 0;
            for (int i = 0; i < pos && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int col = line == 1 ? pos : pos - lineStart;
            return new TemplateException("template: :" + line + ":" + col + ": executing \"\" at <" + where + ">: " + msg);
        }

        private TemplateException parseLikeError(int pos, String msg) {
            int line = 1;
            for (int i = 0; i < pos && i < text.length(); i++) if (text.charAt(i) == '\n') line++;
            return new TemplateException("template: :" + line + ": " + msg);
        }
    }

    private static String describe(Command c) {
        StringBuilder sb = new StringBuilder();
        for (Arg a : c.args()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(describe(a));
        }
        return sb.toString();
    }

    private static String describe(Arg a) {
        if (a instanceof Node.Dot) return ".";
        if (a instanceof Node.Nil) return "nil";
        if (a instanceof Node.Literal l) return l.source();
        if (a instanceof Node.Identifier i) return i.name();
        if (a instanceof Node.Field f) return "." + String.join(".", f.names());
        if (a instanceof Node.Variable v) return v.name() + (v.names().isEmpty() ? "" : "." + String.join(".", v.names()));
        if (a instanceof Node.Chain c) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < c.pipe().cmds().size(); i++) {
                if (i > 0) sb.append(" | ");
                sb.append(describe(c.pipe().cmds().get(i)));
            }
            sb.append(')');
            for (String n : c.names()) sb.append('.').append(n);
            return sb.toString();
        }
        throw new IllegalStateException(String.valueOf(a)); // Arg is sealed: not reached
    }

    @Override
    public String toString() {
        return text;
    }
}
