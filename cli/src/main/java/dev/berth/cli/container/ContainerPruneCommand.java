package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Prompt;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Filters;
import dev.berth.cli.format.Units;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.JsonNode;

public final class ContainerPruneCommand extends Verb {
    boolean force;
    List<String> filter = new ArrayList<>();

    @Override
    protected void define(Spec s) {
        s.about("Remove all stopped containers");
        s.bool("-f, --force", "Do not prompt for confirmation", v -> force = v);
        s.list("--filter", "Provide filter values (e.g. \"until=<timestamp>\")", filter);
        s.args("", 0, 0, a -> {});
    }

    @Override
    protected int run(Context ctx) throws Exception {
        Filters f = Filters.parse(filter);
        if (!force && !Prompt.confirm(ctx, "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?")) {
            return 0;
        }
        JsonNode r = ctx.daemon().post(Query.of("/containers/prune").add("filters", f.isEmpty() ? null : f.toJson()), null);
        StringBuilder sb = new StringBuilder();
        long reclaimed = 0;
        if (r.path("ContainersDeleted").isArray() && !r.path("ContainersDeleted").isEmpty()) {
            sb.append("Deleted Containers:\n");
            for (JsonNode id : r.path("ContainersDeleted")) sb.append(id.asString()).append('\n');
            reclaimed = r.path("SpaceReclaimed").asLong();
            ctx.out().println(sb);
        }
        ctx.out().println("Total reclaimed space: " + Units.humanSize(reclaimed));
        return 0;
    }
}
