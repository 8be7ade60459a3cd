package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Filters;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.berth.common.json.JsonNode;

public final class ImagesCommand extends Verb {
    static final String DEFAULT = "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
    static final String DIGESTS = "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";

    boolean all;
    boolean quiet;
    boolean noTrunc;
    boolean digests;
    List<String> filter = new ArrayList<>();
    String format;
    String reference;

    Query query() {
        Filters f = Filters.parse(filter);
        if (reference != null) f.add("reference", reference);
        return Query.of("/images/json").flag("all", all).flag("digests", digests || (format != null && format.contains(".Digest")))
                .add("filters", f.isEmpty() ? null : f.toJson());
    }

    @Override
    protected void define(Spec s) {
        s.about("List images");
        s.bool("-a, --all", "Show all images (default hides intermediate images)", v -> all = v);
        s.bool("-q, --quiet", "Only show image IDs", v -> quiet = v);
        s.bool("--no-trunc", "Don't truncate output", v -> noTrunc = v);
        s.bool("--digests", "Show digests", v -> digests = v);
        s.list("-f, --filter", "Filter output based on conditions provided", filter);
        s.string("--format", "Format output using a custom template", v -> format = v);
        s.args("[REPOSITORY[:TAG]]", 0, 1, a -> reference = a.size() > 0 ? a.get(0) : null);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode list = ctx.daemon().get(query());
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        if (quiet) {
            // One id per image, as docker images -q prints.
            Set<String> ids = new LinkedHashSet<>();
            for (JsonNode i : list) ids.add(ImageRow.of(i, !noTrunc, now, zone).getFirst().id());
            ids.forEach(ctx.out()::println);
            return 0;
        }
        String f = format != null && !format.isEmpty() && !format.equals("table") ? format : digests ? DIGESTS : DEFAULT;
        Formatter fmt = Formatter.of(f, ImageRow.HEADERS);
        List<ImageRow> rows = new ArrayList<>();
        for (JsonNode i : list) rows.addAll(ImageRow.of(i, !noTrunc, now, zone));
        ctx.out().print(fmt.render(rows));
        return 0;
    }
}
