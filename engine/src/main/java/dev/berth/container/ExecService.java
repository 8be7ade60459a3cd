package dev.berth.container;

import dev.berth.common.AtomicFiles;
import dev.berth.common.EngineException;
import dev.berth.common.Ids;
import dev.berth.common.Json;
import dev.berth.container.ContainerState.Status;
import dev.berth.runtime.Conmon;
import dev.berth.runtime.ConmonArgs;
import dev.berth.sys.SeqPacketSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code docker exec}: one conmon per exec session running {@code runtime exec} with a process
 * spec derived from the container's own (same capabilities, rlimits, no-new-privileges), so an
 * exec'd process is confined exactly like the container's first one. Sessions live in memory, as
 * in Docker.
 */
public final class ExecService {
    private final ContainerService containers;
    private final ConcurrentHashMap<String, Exec> execs = new ConcurrentHashMap<>();

    public ExecService(ContainerService containers) {
        this.containers = containers;
    }

    /** One exec session. Mutable fields are written by the session's own thread only. */
    public static final class Exec {
        public final String id;
        public final String containerId;
        public final ObjectNode config;
        public volatile boolean running;
        public volatile Integer exitCode;
        public volatile int pid;
        final CompletableFuture<Integer> done = new CompletableFuture<>();

        Exec(String id, String containerId, ObjectNode config) {
            this.id = id;
            this.containerId = containerId;
            this.config = config;
        }

        public boolean tty() {
            return config.path("Tty").asBoolean(false);
        }
    }

    public Exec create(String containerRef, ObjectNode config) {
        Container c = containers.get(containerRef);
        requireRunning(c);
        if (ContainerService.strings(config.get("Cmd")).isEmpty()) {
            throw EngineException.invalid("No exec command specified");
        }
        Exec e = new Exec(Ids.random(), c.id(), config);
        execs.put(e.id, e);
        return e;
    }

    private static void requireRunning(Container c) {
        if (c.state().status() == Status.PAUSED) {
            throw EngineException.conflict("Container %s is paused, unpause the container before exec", c.id());
        }
        if (!c.state().running()) {
            throw EngineException.conflict("Container %s is not running", c.id());
        }
    }

    public Exec get(String id) {
        Exec e = execs.get(id);
        if (e == null) {
            throw EngineException.notFound("No such exec instance: %s", id);
        }
        return e;
    }

    /** The running session of an attached exec: stdio through conmon's attach socket. */
    public record Attached(AttachSession stdio, CompletableFuture<Integer> exitCode) {}

    /**
     * Starts the exec. Detached: returns null at once. Attached: returns the session whose output
     * ends when the process ends; {@code exitCode} completes after that.
     */
    public Attached start(String execId, boolean detach) {
        Exec e = get(execId);
        synchronized (e) {
            if (e.running || e.exitCode != null) {
                throw EngineException.conflict("Error: Exec command %s has already run", e.id);
            }
            e.running = true;
        }
        Container c = containers.get(e.containerId);
        try {
            requireRunning(c);
            ContainerPaths paths = containers.paths();
            Path dir = paths.execDir(c.id(), e.id);
            Files.createDirectories(dir);
            Path processJson = dir.resolve("process.json");
            AtomicFiles.write(processJson, Json.bytes(processSpec(c, e)));
            containers.cgroupWarmup().warm(); // the runtime's exec joins the container's cgroups: see CgroupMigrationWarmup
            boolean attach = !detach;
            boolean stdin = attach && e.config.path("AttachStdin").asBoolean(false);
            ConmonArgs args = new ConmonArgs(containers.conmonBinary(), c.id(), e.id.substring(0, 12),
                    containers.runtimeOf(c), dir, dir.resolve("pidfile"), dir.resolve("conmon.pid"), c.name(), dir,
                    paths.socketDir(), Optional.empty(), -1, true, e.tty(), stdin, false, Optional.of(processJson), attach);
            Conmon.Session session = Conmon.spawn(args, java.util.Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")), true);
            AttachSession stdio = null;
            if (attach) {
                session.awaitAttachReady(30_000);
                SeqPacketSocket sock = SeqPacketSocket.connect(paths.socketDir().resolve(e.id.substring(0, 12)).resolve("attach").toString());
                stdio = new AttachSession(sock, e.config.path("AttachStdout").asBoolean(true),
                        e.config.path("AttachStderr").asBoolean(true),
                        AttachSession.parseDetachKeys(e.config.path("DetachKeys").asString("")));
                session.signalStart();
            }
            Conmon.SyncMessage started = session.nextSync(30_000);
            if (started.data() <= 0) {
                session.close();
                if (stdio != null) {
                    stdio.close();
                }
                finish(e, dir, 126);
                String msg = started.message() == null ? "exec failed" : started.message().strip();
                throw EngineException.invalid("%s", ContainerService.dockerizeRuntimeError("OCI runtime exec failed: " + msg));
            }
            e.pid = started.data();
            Thread.ofVirtual().start(() -> {
                int code;
                try (session) {
                    code = session.nextSync(Long.MAX_VALUE / 4).data();
                } catch (IOException ex) {
                    code = 255;
                }
                finish(e, dir, code);
            });
            return attach ? new Attached(stdio, e.done) : null;
        } catch (IOException ex) {
            finish(e, null, 126);
            throw EngineException.system(ex, "exec in container %s: %s", c.id(), ex.getMessage());
        } catch (RuntimeException ex) {
            if (e.exitCode == null) {
                finish(e, null, 126);
            }
            throw ex;
        }
    }

    private static void finish(Exec e, Path dir, int code) {
        e.exitCode = code;
        e.running = false;
        e.done.complete(code);
        if (dir != null) {
            try {
                AtomicFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // the container's removal deletes it anyway
            }
        }
    }

    /** The container's process spec with the exec's command, env, user, workdir and tty. */
    private ObjectNode processSpec(Container c, Exec e) throws IOException {
        JsonNode spec = Json.MAPPER.readTree(Files.readAllBytes(containers.containerDir(c).resolve("config.json")));
        ObjectNode p = ((ObjectNode) spec.get("process")).deepCopy();
        p.put("terminal", e.tty());
        ArrayNode args = p.putArray("args");
        ContainerService.strings(e.config.get("Cmd")).forEach(args::add);
        List<String> env = new ArrayList<>(ContainerService.strings(spec.get("process").get("env")));
        for (String extra : ContainerService.strings(e.config.get("Env"))) {
            String key = extra.split("=", 2)[0];
            env.removeIf(x -> x.split("=", 2)[0].equals(key));
            env.add(extra);
        }
        ArrayNode envArr = p.putArray("env");
        env.forEach(envArr::add);
        String wd = e.config.path("WorkingDir").asString("");
        if (!wd.isEmpty()) {
            p.put("cwd", wd);
        }
        String user = e.config.path("User").asString("");
        if (!user.isEmpty()) {
            UserResolver.User u = UserResolver.resolve(containers.rootfsPath(c), user);
            ObjectNode un = p.putObject("user");
            un.put("uid", u.uid());
            un.put("gid", u.gid());
        }
        if (e.config.path("Privileged").asBoolean(false)) {
            ObjectNode caps = (ObjectNode) p.get("capabilities");
            JsonNode all = spec.path("process").path("capabilities").path("bounding");
            for (String set : List.of("bounding", "effective", "permitted")) {
                caps.set(set, all.deepCopy());
            }
        }
        return p;
    }

    public void resize(String execId, int height, int width) {
        Exec e = get(execId);
        Container c = containers.get(e.containerId);
        ContainerService.writeControl(containers.paths().execDir(c.id(), e.id).resolve("ctl"), height, width);
    }

    /** Forgets the sessions of a removed container. */
    public void forgetContainer(String containerId) {
        execs.values().removeIf(e -> e.containerId.equals(containerId));
    }

    public List<String> execIdsOf(String containerId) {
        return execs.values().stream().filter(e -> e.containerId.equals(containerId)).map(e -> e.id).toList();
    }
}
