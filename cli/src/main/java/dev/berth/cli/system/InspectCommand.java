package dev.berth.cli.system;

import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Functions;
import dev.berth.cli.format.JsonIndent;
import dev.berth.cli.format.Template;
import dev.berth.cli.format.TemplateException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.JsonNode;

/**
 * {@code inspect}: the daemon's JSON for containers, images, networks or volumes, printed as Docker
 * does (a 4-space indented array keeping the daemon's bytes), or through a -f template.
 */
public final class InspectCommand extends Verb {
    private final String fixedType;

    String format;
    String type;
    boolean size;
    List<String> names;

    public InspectCommand(String fixedType) {
        this.fixedType = fixedType;
    }

    @Override
    protected void define(Spec s) {
        s.about("Return low-level information on Docker objects");
        s.string("-f, --format", "Format output using a custom template", v -> format = v);
        s.string("--type", "Only inspect objects of the given type", v -> type = v);
        s.bool("-s, --size", "Display total file sizes if the type is container", v -> size = v);
        s.args("NAME|ID [NAME|ID...]", 1, Spec.MANY, a -> names = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        String t = fixedType != null ? fixedType : type;
        if (t != null && !List.of("container", "image", "network", "volume").contains(t)) {
            throw new IllegalArgumentException("\"" + t + "\" is not a valid value for --type");
        }
        return inspect(ctx, names, t, format, size);
    }

    /** Shared with {@code image inspect}; returns 1 if any object was not found. */
    public static int inspect(Context ctx, List<String> names, String type, String format, boolean size) throws Exception {
        Template tmpl = null;
        if (format != null && !format.isEmpty() && !format.equals("json")) {
            try {
                tmpl = Template.parse(format);
            } catch (TemplateException e) {
                ctx.err().println("template parsing error: " + e.getMessage());
                return 1;
            }
        }
        List<String> raws = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String n : names) {
            byte[] raw = find(ctx, n, type, size);
            if (raw == null) {
                errors.add("Error: No such " + (type == null ? "object" : type) + ": " + n);
                continue;
            }
            raws.add(new String(raw, StandardCharsets.UTF_8).trim());
        }
        StringBuilder out = new StringBuilder();
        if (tmpl != null) {
            for (String r : raws) {
                try {
                    out.append(tmpl.execute(JsonNode.parse(r), Functions.standard(), true)).append('\n');
                } catch (TemplateException e) {
                    ctx.out().print(out);
                    ctx.err().println("template parsing error: " + e.getMessage());
                    return 1;
                }
            }
        } else if (format != null && format.equals("json")) {
            out.append('[').append(String.join(",", raws)).append("]\n");
        } else if (raws.isEmpty()) {
            out.append("[]\n");
        } else {
            out.append(JsonIndent.indent("[" + String.join(",", raws) + "]", "    ")).append('\n');
        }
        ctx.out().print(out);
        for (String e : errors) ctx.err().println(e);
        return errors.isEmpty() ? 0 : 1;
    }

    /** Raw JSON of the first object named {@code n} among the types tried, or null. */
    private static byte[] find(Context ctx, String n, String type, boolean size) throws Exception {
        List<String> types = type == null ? List.of("container", "image", "network", "volume") : List.of(type);
        for (String t : types) {
            Query q = switch (t) {
                case "container" -> Query.of("/containers/%s/json", n).flag("size", size);
                case "image" -> Query.of("/images/%s/json", n);
                case "network" -> Query.of("/networks/%s", n);
                default -> Query.of("/volumes/%s", n);
            };
            try {
                return ctx.daemon().getBytes(q);
            } catch (HttpStatusException e) {
                if (e.status() != 404 && !(e.status() == 400 && type == null)) throw e;
            }
        }
        return null;
    }
}
