package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.List;
import java.util.concurrent.Future;
import dev.berth.common.json.JsonNode;

/** {@code start}: plain start of each container, or attach-then-start of one with -a/-i. */
public final class StartCommand extends Verb {
    boolean attach;
    boolean interactive;
    String detachKeys;
    List<String> containers;

    @Override
    protected void define(Spec s) {
        s.about("Start one or more stopped containers");
        s.bool("-a, --attach", "Attach STDOUT/STDERR and forward signals", v -> attach = v);
        s.bool("-i, --interactive", "Attach container's STDIN", v -> interactive = v);
        s.string("--detach-keys", "Override the key sequence for detaching a container", v -> detachKeys = v);
        s.args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> containers = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        if (!attach && !interactive) {
            return forEach(ctx, containers, true, c -> ctx.daemon().post(Query.of("/containers/%s/start", c), null));
        }
        if (containers.size() > 1) throw new CliException(1, "you cannot start and attach multiple containers at once");
        JsonNode c = Containers.inspect(ctx, containers.getFirst());
        String id = c.path("Id").asString();
        boolean tty = c.path("Config").path("Tty").asBoolean();
        boolean stdin = interactive && c.path("Config").path("OpenStdin").asBoolean();
        boolean autoRemove = c.path("HostConfig").path("AutoRemove").asBoolean();
        Containers.PendingWait wait = Containers.requestWait(ctx, id, autoRemove ? "removed" : "next-exit"); // alongside the attach
        Query q = Query.of("/containers/%s/attach", id).add("stream", "1").flag("stdin", stdin).add("stdout", "1").add("stderr", "1")
                .add("detachKeys", detachKeys);
        Hijacked conn = ctx.daemon().hijack(q, null);
        AttachSession session = new AttachSession(ctx, conn, tty, stdin, detachKeys);
        session.prepareTerminal();
        wait.awaitRegistered();
        Future<Integer> exit = wait.exit();
        try {
            ctx.daemon().post(Query.of("/containers/%s/start", id), null);
        } catch (Exception e) {
            session.restoreTerminal();
            conn.close();
            throw e;
        }
        if (tty) Containers.resize(ctx, "/containers/" + id + "/resize");
        if (session.run()) return 0;
        return Containers.exitCode(exit);
    }
}
