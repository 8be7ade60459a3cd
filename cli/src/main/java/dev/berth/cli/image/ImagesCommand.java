package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Filters;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "images", description = "List images")
public final class ImagesCommand extends Verb {
    static final String DEFAULT = "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
    static final String DIGESTS = "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";

    @Option(names = {"-a", "--all"}, description = "Show all images (default hides intermediate images)") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs") boolean quiet;
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = "--digests", description = "Show digests") boolean digests;
    @Option(names = {"-f", "--filter"}, description = "Filter output based on conditions provided") List<String> filter = new ArrayList<>();
    @Option(names = "--format", description = "Format output using a custom template") String format;
    @Parameters(arity = "0..1", paramLabel = "REPOSITORY[:TAG]") String reference;

    Query query() {
        Filters f = Filters.parse(filter);
        if (reference != null) f.add("reference", reference);
        return Query.of("/images/json").flag("all", all).flag("digests", digests || (format != null && format.contains(".Digest")))
                .add("filters", f.isEmpty() ? null : f.toJson());
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
