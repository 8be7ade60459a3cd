package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;

public final class RmCommand extends Verb {
    boolean force;
    boolean volumes;
    boolean link;
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Remove one or more containers");
        s.bool("-f, --force", "Force the removal of a running container (uses SIGKILL)", v -> force = v);
        s.bool("-v, --volumes", "Remove anonymous volumes associated with the container", v -> volumes = v);
        s.bool("-l, --link", "Remove the specified link", v -> link = v);
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().delete(Query.of("/containers/%s", c)
                .flag("force", force).flag("v", volumes).flag("link", link)));
    }
}
