package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Filters;
import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

@Command(name = "ps", description = "List containers")
public final class PsCommand extends Verb {
    static final String DEFAULT = "table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}";

    @Option(names = {"-a", "--all"}, description = "Show all containers (default shows just running)") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Only display container IDs") boolean quiet;
    @Option(names = {"-n", "--last"}, description = "Show n last created containers (includes all states)") int last = -1;
    @Option(names = {"-l", "--latest"}, description = "Show the latest created container (includes all states)") boolean latest;
    @Option(names = {"-s", "--size"}, description = "Display total file sizes") boolean size;
    @Option(names = "--no-trunc", description = "Don't truncate output") boolean noTrunc;
    @Option(names = {"-f", "--filter"}, description = "Filter output based on conditions provided") List<String> filter = new ArrayList<>();
    @Option(names = "--format", description = "Format output using a custom template") String format;

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
    protected int run(Context ctx) throws Exception {
        Formatter fmt = Formatter.of(effectiveFormat(), PsRow.HEADERS);
        JsonNode list = ctx.daemon().get(query());
        List<PsRow> rows = new ArrayList<>();
        Instant now = Instant.now();
        ZoneId zone = ZoneId.systemDefault();
        for (JsonNode c : list) rows.add(new PsRow(c, !noTrunc, now, zone));
        ctx.out().print(fmt.render(rows));
        return 0;
    }
}
