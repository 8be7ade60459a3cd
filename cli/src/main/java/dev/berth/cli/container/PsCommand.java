package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Filters;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.JsonNode;

public final class PsCommand extends Verb {
    static final String DEFAULT = "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}";

    boolean all;
    boolean quiet;
    int last = -1;
    boolean latest;
    boolean size;
    boolean noTrunc;
    List<String> filter = new ArrayList<>();
    String format;

    Query query() {
        int limit = latest && last == -1 ? 1 : last;
        Filters f = Filters.parse(filter);
        // Docker's daemon treats a limit as "all states"; say so explicitly.
        return Query.of("/containers/json").flag("all", all || limit > 0).add("limit", limit > 0 ? Integer.toString(limit) : null)
                .flag("size", size || (format != null && format.contains(".Size")))
                .add("filters", f.isEmpty() ? null : f.toJson());
    }

    String effectiveFormat() {
        if (quiet) return "{{.ID}}";
        if (format != null && !format.isEmpty() && !format.equals("table")) return format;
        return size ? DEFAULT + "\\t{{.Size}}" : DEFAULT;
    }

    @Override
    protected void define(Spec s) {
        s.about("List containers");
        s.bool("-a, --all", "Show all containers (default shows just running)", v -> all = v);
        s.bool("-q, --quiet", "Only display container IDs", v -> quiet = v);
        s.integer("-n, --last", "Show n last created containers (includes all states)", v -> last = v);
        s.bool("-l, --latest", "Show the latest created container (includes all states)", v -> latest = v);
        s.bool("-s, --size", "Display total file sizes", v -> size = v);
        s.bool("--no-trunc", "Don't truncate output", v -> noTrunc = v);
        s.list("-f, --filter", "Filter output based on conditions provided", filter);
        s.string("--format", "Format output using a custom template", v -> format = v);
        s.args("", 0, 0, a -> {});
    }

    @Override
    protected int run(Context ctx) throws Exception {
        Formatter fmt = Formatter.of(effectiveFormat(), PsRow.HEADERS);
        JsonNode list = ctx.daemon().get(query());
        List<PsRow> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (JsonNode c : list) rows.add(new PsRow(c, !noTrunc, now, ZoneId::systemDefault));
        ctx.out().print(fmt.render(rows));
        return 0;
    }
}
