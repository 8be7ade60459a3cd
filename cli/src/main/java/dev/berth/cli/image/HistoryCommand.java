package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.JsonNode;

/** {@code history IMAGE}: GET /images/{name}/history, printed as docker/cli's historyContext. */
public final class HistoryCommand extends Verb {
    static final String DEFAULT = "table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";

    boolean human = true;
    boolean noTrunc;
    boolean quiet;
    String format;
    String platform;
    String image;

    @Override
    protected void define(Spec s) {
        s.about("Show the history of an image");
        s.bool("-H, --human", "Print sizes and dates in human readable format", v -> human = v);
        s.bool("--no-trunc", "Don't truncate output", v -> noTrunc = v);
        s.bool("-q, --quiet", "Only show image IDs", v -> quiet = v);
        s.string("--format", "Format output using a custom template", v -> format = v);
        s.string("--platform", "Show history for the given platform", v -> platform = v);
        s.args("IMAGE", 1, 1, a -> image = a.get(0));
    }

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
