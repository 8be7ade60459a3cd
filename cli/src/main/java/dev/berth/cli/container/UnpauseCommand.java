package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;

public final class UnpauseCommand extends Verb {
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Unpause all processes within one or more containers");
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().post(Query.of("/containers/%s/unpause", c), null));
    }
}
