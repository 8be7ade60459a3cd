package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Hijacked;
import dev.berth.api.http.Router;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.container.ExecService;
import tools.jackson.databind.node.ObjectNode;

/** The Engine API's exec routes. */
public final class ExecRoutes {
    private final ExecService execs;

    public ExecRoutes(ExecService execs) {
        this.execs = execs;
    }

    public void register(Router r) {
        r.post("/containers/{id}/exec", ex -> {
            ObjectNode body = ex.bodyJson(ObjectNode.class);
            if (body == null) {
                throw EngineException.invalid("exec config cannot be empty");
            }
            ExecService.Exec e = execs.create(ex.pathParam("id"), body);
            ObjectNode out = Json.object();
            out.put("Id", e.id);
            ex.respondJson(201, out);
        });
        r.post("/exec/{id}/start", this::start);
        r.post("/exec/{id}/resize", ex -> {
            execs.resize(ex.pathParam("id"), ex.queryInt("h", 24), ex.queryInt("w", 80));
            ex.respond(200);
        });
        r.get("/exec/{id}/json", ex -> ex.respondJson(200, inspect(execs.get(ex.pathParam("id")))));
    }

    private void start(Exchange ex) {
        ObjectNode body = ex.bodyJson(ObjectNode.class);
        boolean detach = body != null && body.path("Detach").asBoolean(false);
        ExecService.Exec e = execs.get(ex.pathParam("id"));
        if (detach) {
            execs.start(e.id, true);
            ex.respond(200);
            return;
        }
        ExecService.Attached a = execs.start(e.id, false);
        boolean tty = e.tty();
        Hijacked h = ex.hijack(tty ? ContainerRoutes.RAW : ContainerRoutes.MULTIPLEXED);
        try (h; var session = a.stdio()) {
            ContainerRoutes.pump(h, session, e.config.path("AttachStdin").asBoolean(false), tty);
            // conmon reports the exit code on its own; wait for it so inspect right after sees it
            try {
                a.exitCode().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // inspect will show it once known
            }
        }
    }

    private static ObjectNode inspect(ExecService.Exec e) {
        ObjectNode o = Json.object();
        o.put("ID", e.id);
        o.put("Running", e.running);
        if (e.exitCode == null) {
            o.putNull("ExitCode");
        } else {
            o.put("ExitCode", e.exitCode);
        }
        ObjectNode pc = o.putObject("ProcessConfig");
        var cmd = e.config.path("Cmd");
        pc.put("entrypoint", cmd.size() > 0 ? cmd.get(0).asString() : "");
        var args = pc.putArray("arguments");
        for (int i = 1; i < cmd.size(); i++) {
            args.add(cmd.get(i).asString());
        }
        pc.put("tty", e.tty());
        pc.put("privileged", e.config.path("Privileged").asBoolean(false));
        pc.put("user", e.config.path("User").asString(""));
        o.put("OpenStdin", e.config.path("AttachStdin").asBoolean(false));
        o.put("OpenStderr", e.config.path("AttachStderr").asBoolean(false));
        o.put("OpenStdout", e.config.path("AttachStdout").asBoolean(false));
        o.put("CanRemove", false);
        o.put("ContainerID", e.containerId);
        o.put("DetachKeys", e.config.path("DetachKeys").asString(""));
        o.put("Pid", e.pid);
        return o;
    }
}
