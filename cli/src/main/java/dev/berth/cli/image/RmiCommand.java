package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;
import dev.berth.common.json.JsonNode;

public final class RmiCommand extends Verb {
    boolean force;
    boolean noPrune;
    List<String> images;

    @Override
    protected void define(Spec s) {
        s.about("Remove one or more images");
        s.bool("-f, --force", "Force removal of the image", v -> force = v);
        s.bool("--no-prune", "Do not delete untagged parents", v -> noPrune = v);
        s.args("IMAGE [IMAGE...]", 1, Spec.MANY, a -> images = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, images, false, img -> {
            JsonNode r = ctx.daemon().delete(Query.of("/images/%s", img).flag("force", force).flag("noprune", noPrune));
            for (JsonNode d : r) {
                if (d.has("Untagged")) ctx.out().println("Untagged: " + d.path("Untagged").asString());
                if (d.has("Deleted")) ctx.out().println("Deleted: " + d.path("Deleted").asString());
            }
        });
    }
}
