package dev.berth.cli.container;

import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;

/** {@code wait}: prints each container's exit code once it is not running. */
public final class WaitCommand extends Verb {
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Block until one or more containers stop, then print their exit codes");
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        int rc = 0;
        for (String c : containers) {
            try {
                ctx.out().println(ctx.daemon().post(Query.of("/containers/%s/wait", c), null).path("StatusCode").asLong());
                ctx.out().flush();
            } catch (HttpStatusException e) {
                ctx.err().println("Error response from daemon: " + e.message());
                rc = 1;
            }
        }
        return rc;
    }
}
