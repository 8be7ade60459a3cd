package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;

public final class StopCommand extends Verb {
    Integer timeout;
    String signal;
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Stop one or more running containers");
        s.integer("-t, --timeout, --time", "Seconds to wait before killing the container", v -> timeout = v);
        s.string("-s, --signal", "Signal to send to the container", v -> signal = v);
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().post(Query.of("/containers/%s/stop", c)
                .add("t", timeout == null ? null : timeout.toString()).add("signal", signal), null));
    }
}
