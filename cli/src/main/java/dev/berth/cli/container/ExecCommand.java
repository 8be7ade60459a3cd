package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.ArrayNode;
import dev.berth.common.json.ObjectNode;

/** {@code exec}: create an exec instance, start it attached (or detached), exit with its code. */
public final class ExecCommand extends Verb {
    boolean interactive;
    boolean tty;
    boolean detach;
    List<String> env = new ArrayList<>();
    List<String> envFile = new ArrayList<>();
    String user;
    String workdir;
    boolean privileged;
    String detachKeys;
    String container;
    List<String> command = new ArrayList<>();

    /** The body of POST /containers/{id}/exec. */
    ObjectNode body(Context ctx) {
        ObjectNode b = new ObjectNode();
        b.put("User", user == null ? "" : user);
        b.put("Privileged", privileged);
        b.put("Tty", tty);
        b.put("AttachStdin", interactive && !detach);
        b.put("AttachStdout", !detach);
        b.put("AttachStderr", !detach);
        if (detachKeys != null) b.put("DetachKeys", detachKeys);
        List<String> envs = new ArrayList<>();
        for (String f : envFile) envs.addAll(KeyValueFiles.parse(f, Containers.readLines(f), ctx.env()::get));
        envs.addAll(KeyValueFiles.envFlags(env, ctx.env()::get));
        if (!envs.isEmpty()) {
            ArrayNode e = b.putArray("Env");
            envs.forEach(e::add);
        }
        if (workdir != null) b.put("WorkingDir", workdir);
        ArrayNode cmd = b.putArray("Cmd");
        command.forEach(cmd::add);
        return b;
    }

    @Override
    protected void define(Spec s) {
        s.about("Execute a command in a running container");
        s.bool("-i, --interactive", "Keep STDIN open even if not attached", v -> interactive = v);
        s.bool("-t, --tty", "Allocate a pseudo-TTY", v -> tty = v);
        s.bool("-d, --detach", "Detached mode: run command in the background", v -> detach = v);
        s.list("-e, --env", "Set environment variables", env);
        s.list("--env-file", "Read in a file of environment variables", envFile);
        s.string("-u, --user", "Username or UID (format: \"<name|uid>[:<group|gid>]\")", v -> user = v);
        s.string("-w, --workdir", "Working directory inside the container", v -> workdir = v);
        s.bool("--privileged", "Give extended privileges to the command", v -> privileged = v);
        s.string("--detach-keys", "Override the key sequence for detaching a container", v -> detachKeys = v);
        s.flagsBeforeArgs();
        s.args("CONTAINER COMMAND [ARG...]", 2, Spec.MANY, a -> { container = a.get(0); command = new ArrayList<>(a.subList(1, a.size())); });
    }

    @Override
    protected int run(Context ctx) throws Exception {
        boolean stdin = interactive && !detach;
        if (tty && stdin && !Terminal.isTerminal()) throw new CliException(1, "the input device is not a TTY");
        String execId = ctx.daemon().post(Query.of("/containers/%s/exec", container), body(ctx)).path("Id").asString();
        ObjectNode start = new ObjectNode().put("Detach", detach).put("Tty", tty);
        if (detach) {
            ctx.daemon().post(Query.of("/exec/%s/start", execId), start);
            return 0;
        }
        Hijacked conn = ctx.daemon().hijack(Query.of("/exec/%s/start", execId), start);
        AttachSession session = new AttachSession(ctx, conn, tty, stdin, detachKeys);
        session.prepareTerminal();
        if (tty) Containers.resize(ctx, "/exec/" + execId + "/resize");
        if (session.run()) return 0;
        return ctx.daemon().get(Query.of("/exec/%s/json", execId)).path("ExitCode").asInt(0);
    }
}
