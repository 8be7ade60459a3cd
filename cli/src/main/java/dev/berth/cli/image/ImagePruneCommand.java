package dev.berth.cli.image;

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

public final class ImagePruneCommand extends Verb {
    boolean all;
    boolean force;
    List<String> filter = new ArrayList<>();

    @Override
    protected void define(Spec s) {
        s.about("Remove unused images");
        s.bool("-a, --all", "Remove all unused images, not just dangling ones", v -> all = v);
        s.bool("-f, --force", "Do not prompt for confirmation", v -> force = v);
        s.list("--filter", "Provide filter values (e.g. \"until=<timestamp>\")", filter);
        s.args("", 0, 0, a -> {});
    }

    @Override
    protected int run(Context ctx) throws Exception {
        Filters f = Filters.parse(filter);
        f.add("dangling", all ? "false" : "true");
        String warning = all
                ? "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
                : "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";
        if (!force && !Prompt.confirm(ctx, warning)) return 0;
        JsonNode r = ctx.daemon().post(Query.of("/images/prune").add("filters", f.toJson()), null);
        long reclaimed = 0;
        if (r.path("ImagesDeleted").isArray() && !r.path("ImagesDeleted").isEmpty()) {
            StringBuilder sb = new StringBuilder("Deleted Images:\n");
            for (JsonNode d : r.path("ImagesDeleted")) {
                if (d.has("Untagged")) sb.append("untagged: ").append(d.path("Untagged").asString()).append('\n');
                if (d.has("Deleted")) sb.append("deleted: ").append(d.path("Deleted").asString()).append('\n');
            }
            reclaimed = r.path("SpaceReclaimed").asLong();
            ctx.out().println(sb);
        }
        ctx.out().println("Total reclaimed space: " + Units.humanSize(reclaimed));
        return 0;
    }
}
