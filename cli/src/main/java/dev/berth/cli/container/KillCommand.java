package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;

public final class KillCommand extends Verb {
    String signal;
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Kill one or more running containers");
        s.string("-s, --signal", "Signal to send to the container", v -> signal = v);
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().post(Query.of("/containers/%s/kill", c).add("signal", signal), null));
    }
}
