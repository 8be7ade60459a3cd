package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.common.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code exec}: create an exec instance, start it attached (or detached), exit with its code. */
@Command(name = "exec", description = "Execute a command in a running container")
public final class ExecCommand extends Verb {
    @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached") boolean interactive;
    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY") boolean tty;
    @Option(names = {"-d", "--detach"}, description = "Detached mode: run command in the background") boolean detach;
    @Option(names = {"-e", "--env"}, description = "Set environment variables") List<String> env = new ArrayList<>();
    @Option(names = "--env-file", description = "Read in a file of environment variables") List<String> envFile = new ArrayList<>();
    @Option(names = {"-u", "--user"}, description = "Username or UID (format: \"<name|uid>[:<group|gid>]\")") String user;
    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container") String workdir;
    @Option(names = "--privileged", description = "Give extended privileges to the command") boolean privileged;
    @Option(names = "--detach-keys", description = "Override the key sequence for detaching a container") String detachKeys;
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND") List<String> command = new ArrayList<>();

    /** The body of POST /containers/{id}/exec. */
    ObjectNode body(Context ctx) {
        ObjectNode b = Json.object();
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
    protected int run(Context ctx) throws Exception {
        boolean stdin = interactive && !detach;
        if (tty && stdin && !Terminal.isTerminal()) throw new CliException(1, "the input device is not a TTY");
        String execId = ctx.daemon().post(Query.of("/containers/%s/exec", container), body(ctx)).path("Id").asString();
        ObjectNode start = Json.object().put("Detach", detach).put("Tty", tty);
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
