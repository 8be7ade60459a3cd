package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Future;
import dev.berth.common.json.JsonNode;

/**
 * {@code run}: create; then, unless detached, attach and register the wait before starting, so
 * no output and no exit is missed (docker/cli run.go); start; copy streams; exit with the
 * container's code.
 */
public final class RunCommand extends Verb {
    public ContainerOptions o = new ContainerOptions();
    public boolean detach;
    public boolean sigProxy = true;

    @Override
    protected void define(Spec s) {
        s.about("Create and run a new container from an image");
        o.define(s);
        s.flagsBeforeArgs();
        s.bool("-d, --detach", "Run container in background and print container ID", v -> detach = v);
        s.bool("--sig-proxy", "Proxy received signals to the process", v -> sigProxy = v);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        CreateRequest.Request req;
        try {
            req = CreateRequest.build(o, true, detach, ctx.env()::get, Containers::readLines);
        } catch (IllegalArgumentException e) {
            throw new CliException(125, "berth: " + e.getMessage() + "\n\nRun 'berth run --help' for more information");
        }
        JsonNode body = req.body();
        boolean attachStdin = body.path("AttachStdin").asBoolean();
        boolean attachAny = attachStdin || body.path("AttachStdout").asBoolean() || body.path("AttachStderr").asBoolean();
        if (!detach && o.tty && attachStdin && !Terminal.isTerminal()) {
            throw new CliException(1, "the input device is not a TTY");
        }
        String id;
        try {
            id = Containers.create(ctx, req, o.pull);
        } catch (HttpStatusException e) {
            throw new CliException(125, "Error response from daemon: " + e.message());
        }
        if (o.cidfile != null) Files.writeString(Path.of(o.cidfile), id);
        if (detach) {
            start(ctx, id);
            ctx.out().println(id);
            return 0;
        }
        // the wait and the attach go out together (two connections): the start needs both in place
        Containers.PendingWait wait = Containers.requestWait(ctx, id, o.rm ? "removed" : "next-exit");
        AttachSession session = null;
        if (attachAny) {
            Query q = Query.of("/containers/%s/attach", id).add("stream", "1")
                    .flag("stdin", attachStdin).flag("stdout", body.path("AttachStdout").asBoolean())
                    .flag("stderr", body.path("AttachStderr").asBoolean()).add("detachKeys", o.detachKeys);
            Hijacked conn = ctx.daemon().hijack(q, null);
            session = new AttachSession(ctx, conn, o.tty, attachStdin, o.detachKeys);
            session.prepareTerminal();
        }
        wait.awaitRegistered();
        Future<Integer> exit = wait.exit();
        try {
            start(ctx, id);
        } catch (CliException e) {
            if (session != null) session.restoreTerminal();
            throw e;
        }
        if (o.tty) Containers.resize(ctx, "/containers/" + id + "/resize");
        if (session != null && session.run()) return 0; // detached with the detach keys
        return Containers.exitCode(exit);
    }

    private static void start(Context ctx, String id) throws Exception {
        try {
            ctx.daemon().post(Query.of("/containers/%s/start", id), null);
        } catch (HttpStatusException e) {
            throw new CliException(Containers.startFailureCode(e.message()), "Error response from daemon: " + e.message());
        }
    }
}
