package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "rmi", description = "Remove one or more images")
public final class RmiCommand extends Verb {
    @Option(names = {"-f", "--force"}, description = "Force removal of the image") boolean force;
    @Option(names = "--no-prune", description = "Do not delete untagged parents") boolean noPrune;
    @Parameters(arity = "1..*", paramLabel = "IMAGE") List<String> images;

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
