package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code history IMAGE}: GET /images/{name}/history, printed as docker/cli's historyContext. */
@Command(name = "history", description = "Show the history of an image")
public final class HistoryCommand extends Verb {
    static final String DEFAULT = "table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";

    @Option(names = {"-H", "--human"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            description = "Print sizes and dates in human readable format") boolean human = true;
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = {"-q", "--quiet"}, description = "Only show image IDs") boolean quiet;
    @Option(names = "--format", description = "Format output using a custom template") String format;
    @Option(names = "--platform", description = "Show history for the given platform") String platform;
    @Parameters(index = "0", paramLabel = "IMAGE") String image;

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode items = ctx.daemon().get(Query.of("/images/%s/history", image).add("platform", platform));
        String f = quiet ? "{{.ID}}" : format != null && !format.isEmpty() && !format.equals("table") ? format : DEFAULT;
        Formatter fmt = Formatter.of(f, HistoryRow.HEADERS);
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        List<HistoryRow> rows = new ArrayList<>();
        for (JsonNode h : items) rows.add(new HistoryRow(h, !noTrunc, human, now, zone));
        ctx.out().print(fmt.render(rows));
        return 0;
    }
}
