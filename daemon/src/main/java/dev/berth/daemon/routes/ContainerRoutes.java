package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Hijacked;
import dev.berth.api.http.Router;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.container.AttachSession;
import dev.berth.container.Container;
import dev.berth.container.ContainerService;
import dev.berth.container.ContainerState;
import dev.berth.container.ExecService;
import dev.berth.container.LogReader;
import dev.berth.container.StreamSink;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Engine API's /containers routes. */
public final class ContainerRoutes {
    static final String RAW = "application/vnd.docker.raw-stream";
    static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    private static final Set<String> PS_FILTERS = Set.of("id", "name", "label", "exited", "status", "ancestor",
            "before", "since", "volume", "network", "health", "is-task", "publish", "expose");

    private final ContainerService containers;
    private final ExecService execs;
    private final ContainerViews views;
    private final ImageMatcher images;

    /** Answers `ancestor` filters: does this image id descend from (here: equal) the named image? */
    public interface ImageMatcher {
        boolean matches(String imageId, String imageRef);
    }

    public ContainerRoutes(ContainerService containers, ExecService execs, ImageMatcher images) {
        this.containers = containers;
        this.execs = execs;
        this.views = new ContainerViews(containers);
        this.images = images;
    }

    public void register(Router r) {
        r.post("/containers/create", this::create);
        r.get("/containers/json", this::list);
        r.get("/containers/{id}/json", ex -> ex.respondJson(200, views.inspect(containers.get(ex.pathParam("id")),
                ex.queryBool("size", false), execs.execIdsOf(containers.get(ex.pathParam("id")).id()))));
        r.post("/containers/{id}/start", ex -> {
            try {
                containers.start(ex.pathParam("id"));
                ex.respond(204);
            } catch (EngineException e) {
                if (e.kind() == dev.berth.common.ErrorKind.NOT_MODIFIED) {
                    ex.respond(304);
                } else {
                    throw e;
                }
            }
        });
        r.post("/containers/{id}/stop", ex -> ex.respond(
                containers.stop(ex.pathParam("id"), timeout(ex), ex.query("signal").orElse(null)) ? 204 : 304));
        r.post("/containers/{id}/restart", ex -> {
            containers.restart(ex.pathParam("id"), timeout(ex), ex.query("signal").orElse(null));
            ex.respond(204);
        });
        r.post("/containers/{id}/kill", ex -> {
            containers.kill(ex.pathParam("id"), ex.query("signal").orElse(null));
            ex.respond(204);
        });
        r.post("/containers/{id}/pause", ex -> {
            containers.pause(ex.pathParam("id"));
            ex.respond(204);
        });
        r.post("/containers/{id}/unpause", ex -> {
            containers.unpause(ex.pathParam("id"));
            ex.respond(204);
        });
        r.post("/containers/{id}/rename", ex -> {
            containers.rename(ex.pathParam("id"), ex.query("name").orElseThrow(() -> EngineException.invalid("name is required")));
            ex.respond(204);
        });
        r.post("/containers/{id}/wait", this::waitFor);
        r.delete("/containers/{id}", ex -> {
            Container c = containers.get(ex.pathParam("id"));
            containers.remove(c.id(), ex.queryBool("force", false), ex.queryBool("v", false));
            execs.forgetContainer(c.id());
            ex.respond(204);
        });
        r.get("/containers/{id}/logs", this::logs);
        r.post("/containers/{id}/attach", this::attach);
        r.post("/containers/{id}/resize", ex -> {
            containers.resize(ex.pathParam("id"), ex.queryInt("h", 24), ex.queryInt("w", 80));
            ex.respond(200);
        });
        r.post("/containers/prune", this::prune);
        r.get("/containers/{id}/top", this::top);
    }

    private static Integer timeout(Exchange ex) {
        return ex.query("t").or(() -> ex.query("timeout")).filter(s -> !s.isEmpty()).map(Integer::parseInt).orElse(null);
    }

    private void create(Exchange ex) {
        ObjectNode body = ex.bodyJson(ObjectNode.class);
        if (body == null) {
            throw EngineException.invalid("config cannot be empty in order to create a container");
        }
        ObjectNode hostConfig = body.get("HostConfig") instanceof ObjectNode h ? h : Json.object();
        ObjectNode config = body.deepCopy();
        config.remove("HostConfig");
        config.remove("NetworkingConfig");
        Container c = containers.create(ex.query("name").orElse(null), config, hostConfig);
        ObjectNode out = Json.object();
        out.put("Id", c.id());
        out.putArray("Warnings");
        ex.respondJson(201, out);
    }

    private void list(Exchange ex) {
        boolean all = ex.queryBool("all", false);
        int limit = ex.queryInt("limit", -1);
        boolean size = ex.queryBool("size", false);
        Filters f = Filters.parse(ex.query("filters").orElse(null), PS_FILTERS);
        List<Container> list = new ArrayList<>(containers.all());
        list.sort(Comparator.comparing(Container::created).reversed());
        Instant before = f.has("before") ? containers.get(f.get("before").getFirst()).created() : null;
        Instant since = f.has("since") ? containers.get(f.get("since").getFirst()).created() : null;
        if (limit > 0 || f.has("before") || f.has("since")) {
            all = true;
        }
        Instant now = Instant.now();
        List<ObjectNode> out = new ArrayList<>();
        for (Container c : list) {
            if (!all && !c.state().running()) {
                continue;
            }
            if (!matches(c, f) || before != null && !c.created().isBefore(before) || since != null && !c.created().isAfter(since)) {
                continue;
            }
            out.add(views.summary(c, now, size));
            if (limit > 0 && out.size() >= limit) {
                break;
            }
        }
        ex.respondJson(200, out);
    }

    private boolean matches(Container c, Filters f) {
        if (f.has("id") && f.get("id").stream().noneMatch(p -> c.id().startsWith(p))) {
            return false;
        }
        if (f.has("name") && f.get("name").stream().noneMatch(p -> java.util.regex.Pattern.compile(p.startsWith("/") ? p.substring(1) : p)
                .matcher(c.name()).find())) {
            return false;
        }
        if (f.has("status") && !f.get("status").contains(c.state().status().word())) {
            for (String s : f.get("status")) {
                if (!List.of("created", "restarting", "running", "removing", "paused", "exited", "dead").contains(s)) {
                    throw EngineException.invalid("invalid filter 'status=%s'", s);
                }
            }
            return false;
        }
        if (f.has("exited")) {
            if (c.state().status() != ContainerState.Status.EXITED
                    || f.get("exited").stream().noneMatch(code -> code.equals(Integer.toString(c.state().exitCode())))) {
                return false;
            }
        }
        if (f.has("label") && !f.labelsMatch(c.config().path("Labels"))) {
            return false;
        }
        if (f.has("ancestor") && f.get("ancestor").stream().noneMatch(a -> images.matches(c.imageId(), a)
                || c.config().path("Image").asString("").equals(a))) {
            return false;
        }
        return true;
    }

    private void waitFor(Exchange ex) throws IOException {
        var future = containers.waitFor(ex.pathParam("id"), ex.query("condition").orElse(null));
        // Headers go out at once (clients know the wait is registered); the body when the container stops.
        try (OutputStream out = ex.respondStream(200, "application/json")) {
            out.flush();
            int code;
            try {
                code = future.get();
            } catch (Exception e) {
                code = -1;
            }
            ObjectNode r = Json.object();
            r.put("StatusCode", code);
            r.putNull("Error");
            out.write(Json.bytes(r));
            out.write('\n');
        }
    }

    private void logs(Exchange ex) throws IOException {
        Container c = containers.get(ex.pathParam("id"));
        boolean stdout = ex.queryBool("stdout", false);
        boolean stderr = ex.queryBool("stderr", false);
        if (!stdout && !stderr) {
            throw EngineException.invalid("Bad parameters: you must choose at least one stream");
        }
        String tailS = ex.query("tail").orElse("all");
        int tail = tailS.equals("all") || tailS.isEmpty() ? -1 : Integer.parseInt(tailS);
        LogReader.Options o = new LogReader.Options(stdout, stderr, time(ex.query("since").orElse("")),
                time(ex.query("until").orElse("")), ex.queryBool("timestamps", false), tail, ex.queryBool("follow", false));
        boolean tty = c.tty();
        try (OutputStream out = ex.respondStream(200, tty ? RAW : MULTIPLEXED)) {
            out.flush();
            containers.logs(c.id(), o, bufferedSink(out, tty));
        }
    }

    /** Docker's since/until: unix seconds with optional fraction; 0 or empty means unset. */
    static Instant time(String s) {
        if (s.isEmpty() || s.equals("0")) {
            return null;
        }
        try {
            if (s.contains(".")) {
                String[] p = s.split("\\.", 2);
                String frac = (p[1] + "000000000").substring(0, 9);
                return Instant.ofEpochSecond(Long.parseLong(p[0]), Long.parseLong(frac));
            }
            return Instant.ofEpochSecond(Long.parseLong(s));
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(s);
            } catch (RuntimeException e2) {
                throw EngineException.invalid("invalid value for time: %s", s);
            }
        }
    }

    /**
     * Output frames for a reader that says when to flush (logs, attach): stdcopy-multiplexed
     * without a tty, raw with one, gathered into large writes.
     */
    static StreamSink bufferedSink(OutputStream out, boolean tty) {
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
        byte[] header = new byte[8];
        return new StreamSink() {
            @Override
            public void write(int stream, byte[] data, int off, int len) throws IOException {
                if (!tty) { // stdcopy: stream, 3 zero bytes, big-endian length
                    header[0] = (byte) stream;
                    header[4] = (byte) (len >>> 24);
                    header[5] = (byte) (len >>> 16);
                    header[6] = (byte) (len >>> 8);
                    header[7] = (byte) len;
                    buffered.write(header);
                }
                buffered.write(data, off, len);
            }

            @Override
            public void flush() throws IOException {
                buffered.flush();
            }
        };
    }

    private void attach(Exchange ex) throws Exception {
        Container c = containers.get(ex.pathParam("id"));
        boolean stdin = ex.queryBool("stdin", false);
        boolean stdout = ex.queryBool("stdout", false);
        boolean stderr = ex.queryBool("stderr", false);
        boolean tty = c.tty();
        if (!ex.queryBool("stream", false) && !ex.queryBool("logs", false)) {
            throw EngineException.invalid("Bad parameters: you must choose at least one stream");
        }
        String detachKeys = ex.query("detachKeys").orElse("");
        // registered before the 101 goes out: the client starts the container as soon as it reads it
        ContainerService.PendingSession pending = containers.attach(c.id(), stdout, stderr, detachKeys);
        Hijacked h;
        try {
            h = ex.hijack(tty ? RAW : MULTIPLEXED);
            h.out().flush();
        } catch (IOException | RuntimeException e) {
            pending.cancel();
            throw e;
        }
        try (h; AttachSession session = pending.await()) {
            pump(h, session, stdin && c.openStdin(), tty);
        }
    }

    /** Runs a hijacked attach: stdin copied on its own thread, output until the process ends or detach. */
    static void pump(Hijacked h, AttachSession session, boolean stdin, boolean tty) {
        Thread input = null;
        if (stdin) {
            input = Thread.ofVirtual().start(() -> {
                try {
                    session.pumpInput(h.in());
                } catch (IOException e) {
                    // client went away: output pumping notices on its own
                }
            });
        }
        try {
            session.pumpOutput(bufferedSink(h.out(), tty));
        } catch (IOException e) {
            // client closed the connection
        }
        if (input != null) {
            input.interrupt();
        }
    }

    private void prune(Exchange ex) {
        Filters f = Filters.parse(ex.query("filters").orElse(null), Set.of("until", "label", "label!"));
        Instant until = f.has("until") ? untilTime(f.get("until").getFirst()) : null;
        List<String> deleted = new ArrayList<>();
        long reclaimed = 0;
        for (Container c : containers.all()) {
            if (c.state().running() || c.state().status() == ContainerState.Status.REMOVING) {
                continue;
            }
            if (until != null && !c.created().isBefore(until)) {
                continue;
            }
            if (f.has("label") && !f.labelsMatch(c.config().path("Labels"))) {
                continue;
            }
            if (f.has("label!") && Filters.parse(Json.string(java.util.Map.of("label", f.get("label!"))), Set.of("label"))
                    .labelsMatch(c.config().path("Labels"))) {
                continue;
            }
            long size = DiskUsage.of(containers.upperDir(c));
            try {
                containers.remove(c.id(), false, false);
                execs.forgetContainer(c.id());
                deleted.add(c.id());
                reclaimed += size;
            } catch (EngineException e) {
                // started meanwhile: not prunable any more
            }
        }
        ObjectNode out = Json.object();
        var arr = out.putArray("ContainersDeleted");
        deleted.forEach(arr::add);
        out.put("SpaceReclaimed", reclaimed);
        ex.respondJson(200, out);
    }

    /** Docker's until: a timestamp or a Go duration before now ("10m", "24h"). */
    static Instant untilTime(String s) {
        var m = java.util.regex.Pattern.compile("^(\\d+)(s|m|h)$").matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            long secs = switch (m.group(2)) {
                case "s" -> n;
                case "m" -> n * 60;
                default -> n * 3600;
            };
            return Instant.now().minusSeconds(secs);
        }
        Instant t = time(s);
        if (t == null) {
            throw EngineException.invalid("invalid filter 'until=%s'", s);
        }
        return t;
    }

    private void top(Exchange ex) throws IOException, InterruptedException {
        Container c = containers.get(ex.pathParam("id"));
        if (!c.state().running()) {
            throw EngineException.conflict("Container %s is not running", c.id());
        }
        String psArgs = ex.query("ps_args").orElse("-ef");
        List<Integer> pids = CgroupPids.of(c.id());
        List<String> cmd = new ArrayList<>(List.of("ps"));
        cmd.addAll(List.of(psArgs.split("\\s+")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        if (lines.isEmpty()) {
            throw EngineException.invalid("ps produced no output");
        }
        String[] titles = lines.getFirst().trim().split("\\s+");
        int pidCol = List.of(titles).indexOf("PID");
        if (pidCol < 0) {
            throw EngineException.invalid("Couldn't find PID field in ps output");
        }
        ObjectNode out = Json.object();
        var t = out.putArray("Titles");
        for (String s : titles) {
            t.add(s);
        }
        var procs = out.putArray("Processes");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+", titles.length);
            if (f.length > pidCol && f[pidCol].matches("\\d+") && pids.contains(Integer.parseInt(f[pidCol]))) {
                var row = procs.addArray();
                for (String s : f) {
                    row.add(s);
                }
            }
        }
        ex.respondJson(200, out);
    }

    static JsonNode nodeOrEmpty(JsonNode n) {
        return n == null || n.isNull() ? Json.object() : n;
    }
}
