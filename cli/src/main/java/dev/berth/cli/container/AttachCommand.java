package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.concurrent.Future;
import dev.berth.common.json.JsonNode;

/** {@code attach}: joins a running container's stdio; exits with its code, or 0 on detach. */
public final class AttachCommand extends Verb {
    String detachKeys;
    boolean noStdin;
    boolean sigProxy = true;
    String container;

    @Override
    protected void define(Spec s) {
        s.about("Attach local standard input, output, and error streams to a running container");
        s.string("--detach-keys", "Override the key sequence for detaching a container", v -> detachKeys = v);
        s.bool("--no-stdin", "Do not attach STDIN", v -> noStdin = v);
        s.bool("--sig-proxy", "Proxy all received signals to the process", v -> sigProxy = v);
        s.args("CONTAINER", 1, 1, a -> container = a.get(0));
    }

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode c = Containers.inspect(ctx, container);
        JsonNode state = c.path("State");
        if (!state.path("Running").asBoolean()) throw new CliException(1, "You cannot attach to a stopped container, start it first");
        if (state.path("Paused").asBoolean()) throw new CliException(1, "You cannot attach to a paused container, unpause it first");
        if (state.path("Restarting").asBoolean()) throw new CliException(1, "You cannot attach to a restarting container, wait until it is running");
        String id = c.path("Id").asString();
        boolean tty = c.path("Config").path("Tty").asBoolean();
        boolean stdin = !noStdin && c.path("Config").path("OpenStdin").asBoolean();
        if (tty && stdin && !Terminal.isTerminal()) throw new CliException(1, "the input device is not a TTY");
        Future<Integer> exit = Containers.waitFor(ctx, id, c.path("HostConfig").path("AutoRemove").asBoolean() ? "removed" : "next-exit");
        Query q = Query.of("/containers/%s/attach", id).add("stream", "1").flag("stdin", stdin).add("stdout", "1").add("stderr", "1")
                .add("detachKeys", detachKeys);
        Hijacked conn = ctx.daemon().hijack(q, null);
        AttachSession session = new AttachSession(ctx, conn, tty, stdin, detachKeys);
        session.prepareTerminal();
        if (tty) Containers.resize(ctx, "/containers/" + id + "/resize");
        if (session.run()) return 0;
        return Containers.exitCode(exit);
    }
}
