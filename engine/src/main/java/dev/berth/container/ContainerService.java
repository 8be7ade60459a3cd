package dev.berth.container;

import dev.berth.common.AtomicFiles;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Ids;
import dev.berth.common.Json;
import dev.berth.container.ContainerState.Status;
import dev.berth.runtime.Conmon;
import dev.berth.runtime.ConmonArgs;
import dev.berth.runtime.Executables;
import dev.berth.runtime.OciRuntime;
import dev.berth.runtime.RuntimeSpec;
import dev.berth.runtime.CgroupLeftovers;
import dev.berth.runtime.CgroupMigrationWarmup;
import dev.berth.runtime.SeccompBpf;
import dev.berth.runtime.SeccompProfile;
import dev.berth.runtime.SpecGenerator;
import dev.berth.sys.Mounts;
import dev.berth.sys.SeqPacketSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Containers: create, start, stop, kill, wait, remove, attach, logs. Each container is conmon →
 * OCI runtime → process; berth keeps only state. Exits arrive through conmon's exit files
 * ({@link ExitWatcher}); waiters are completed from there.
 */
public final class ContainerService implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$");
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final ContainerStore store;
    private final ImageSource images;
    private final ContainerPaths paths;
    private final SpecGenerator specs;
    private final Map<String, OciRuntime> runtimes;
    private final String defaultRuntime;
    private final Path conmon;
    private final ExitWatcher exits;
    /** Per container: futures completed at its next exit (wait condition next-exit / not-running). */
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<CompletableFuture<Integer>>> exitWaiters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<CompletableFuture<Integer>>> removeWaiters = new ConcurrentHashMap<>();
    /** Clients attached to a created container before it started: connected by start(). */
    private final ConcurrentHashMap<String, CopyOnWriteArrayList<PendingAttach>> pendingAttach = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();
    /** conmons spawned at create for the first start: their start-up runs before the start asks. */
    private final WarmMonitors<Conmon.Launch> warm = new WarmMonitors<>(Conmon.Launch::abort, 8, 10_000);
    /** Takes the cgroup migration lock's grace-period wait off the runtime's path at each start and exec. */
    private final CgroupMigrationWarmup cgroupWarmup = CgroupMigrationWarmup.forThisProcess();

    public ContainerService(ContainerStore store, ImageSource images, ContainerPaths paths, SpecGenerator specs,
                            Map<String, OciRuntime> runtimes, String defaultRuntime) throws IOException {
        this.store = store;
        this.images = images;
        this.paths = paths;
        this.specs = specs;
        this.runtimes = Map.copyOf(runtimes);
        this.defaultRuntime = defaultRuntime;
        this.conmon = Executables.find("conmon").orElseThrow(() -> new IOException("conmon not found on PATH"));
        Files.createDirectories(paths.exitDir());
        Files.createDirectories(paths.socketDir());
        this.exits = new ExitWatcher(paths.exitDir(), this::onExit);
        reconcile();
        exits.start();
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    // ---------------------------------------------------------------- lookup

    public Container get(String ref) {
        List<Container> found = store.lookup(ref);
        if (found.isEmpty()) {
            throw EngineException.notFound("No such container: %s", ref);
        }
        if (found.size() > 1) {
            throw EngineException.invalid("Multiple IDs found with provided prefix: %s", ref);
        }
        return found.getFirst();
    }

    public List<Container> all() {
        return new ArrayList<>(store.all());
    }

    public Path logPath(Container c) {
        return paths.log(c.id());
    }

    public Path rootfsPath(Container c) {
        return paths.rootfs(c.id());
    }

    public Path containerDir(Container c) {
        return paths.dir(c.id());
    }

    public Path upperDir(Container c) {
        return paths.upper(c.id());
    }

    // ---------------------------------------------------------------- create

    /** Docker's create: the image's config merged under the client's; nothing runs yet. */
    public Container create(String requestedName, ObjectNode config, ObjectNode hostConfig) {
        if (config == null) {
            config = Json.object();
        }
        if (hostConfig == null) {
            hostConfig = Json.object();
        }
        String imageRef = config.path("Image").asString("");
        if (imageRef.isEmpty()) {
            throw EngineException.invalid("config cannot be empty in order to create a container");
        }
        String name = requestedName == null || requestedName.isEmpty() ? null : requestedName;
        if (name != null && !NAME.matcher(name).matches()) {
            throw EngineException.invalid("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        }
        if (name != null && name.startsWith("/")) {
            name = name.substring(1);
        }
        String runtimeName = hostConfig.path("Runtime").asString("");
        if (runtimeName.isEmpty()) {
            runtimeName = defaultRuntime;
        }
        if (!runtimes.containsKey(runtimeName)) {
            throw EngineException.invalid("unknown or invalid runtime name: %s", runtimeName);
        }
        validateHostConfig(hostConfig);
        ImageSource.Image image = images.resolve(imageRef);
        ObjectNode merged = mergeImageConfig(config, image.config());
        List<String> entrypoint = strings(merged.get("Entrypoint"));
        List<String> cmd = strings(merged.get("Cmd"));
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw EngineException.invalid("no command specified");
        }
        String id = Ids.random();
        String hostname = merged.path("Hostname").asString("");
        if (hostname.isEmpty()) {
            hostname = id.substring(0, 12);
            merged.put("Hostname", hostname);
        }
        if (name == null) {
            name = NameGenerator.generate(n -> store.lookup(n).stream().anyMatch(c -> c.name().equals(n)));
        }
        hostConfig.put("Runtime", runtimeName);
        if (!hostConfig.has("NetworkMode") || hostConfig.path("NetworkMode").asString("").isEmpty()) {
            hostConfig.put("NetworkMode", "bridge");
        }
        if (!hostConfig.has("LogConfig")) {
            hostConfig.putObject("LogConfig").put("Type", "k8s-file").putObject("Config");
        }
        Container c = new Container(id, name, Instant.now(), argv.getFirst(), argv.subList(1, argv.size()),
                merged, hostConfig, image.id(), runtimeName, ContainerState.created(), 0, hostname,
                image.layerDirs().stream().map(Path::toString).toList());
        try {
            prepareDirectory(c);
        } catch (IOException e) {
            cleanupDirectory(id);
            throw EngineException.system(e, "create container %s: %s", name, e.getMessage());
        }
        // spawned while the record is written: it is ready by the time a client's start comes
        OciRuntime runtime = runtimes.get(runtimeName);
        warm.offer(id, () -> Conmon.launchCreate(conmonArgs(c, runtime), conmonEnv()));
        // a start that follows within a grace period of this warm-up finds the cgroup lock warm at once
        cgroupWarmup.warm();
        if (!store.insert(c)) {
            warm.discard(id);
            cleanupDirectory(id);
            Container other = store.lookup(name).getFirst();
            throw EngineException.conflict(
                    "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
                    name, other.id());
        }
        return c;
    }

    private static void validateHostConfig(ObjectNode hc) {
        String restart = hc.path("RestartPolicy").path("Name").asString("");
        if (!restart.isEmpty() && !List.of("no", "always", "unless-stopped", "on-failure").contains(restart)) {
            throw EngineException.invalid("invalid restart policy '%s'", restart);
        }
        if (hc.path("Memory").asLong(0) < 0) {
            throw EngineException.invalid("invalid memory limit");
        }
        if (hc.path("Memory").asLong(0) > 0 && hc.path("Memory").asLong(0) < 6 * 1024 * 1024) {
            throw EngineException.invalid("Minimum memory limit allowed is 6MB");
        }
        if (hc.path("AutoRemove").asBoolean(false) && !restart.isEmpty() && !restart.equals("no")) {
            throw EngineException.invalid("can't create 'AutoRemove' container with restart policy");
        }
        for (String opt : strings(hc.get("SecurityOpt"))) {
            String[] kv = opt.split("[=:]", 2);
            boolean known = switch (kv[0]) {
                case "seccomp" -> {
                    if (kv.length == 2 && !kv[1].equals("unconfined") && !kv[1].equals("builtin")) {
                        SeccompProfile.parse(kv[1]); // the docker CLI sends the file's content
                    }
                    yield kv.length == 2;
                }
                case "no-new-privileges" -> kv.length == 1 || kv[1].equals("true") || kv[1].equals("false");
                case "apparmor", "label", "systempaths", "writable-cgroups" -> kv.length == 2;
                default -> false;
            };
            if (!known) {
                throw EngineException.invalid("Invalid --security-opt: %s", Json.string(opt));
            }
        }
    }

    /** The container's seccomp profile: the daemon's default unless privileged or told otherwise. */
    private Optional<SeccompProfile> seccompFor(ObjectNode hc) {
        if (hc.path("Privileged").asBoolean(false)) {
            return Optional.empty();
        }
        for (String opt : strings(hc.get("SecurityOpt"))) {
            String[] kv = opt.split("[=:]", 2);
            if (kv[0].equals("seccomp") && kv.length == 2) {
                return switch (kv[1]) {
                    case "unconfined" -> Optional.empty();
                    case "builtin" -> specs.defaultSeccomp();
                    default -> Optional.of(SeccompProfile.parse(kv[1]));
                };
            }
        }
        return specs.defaultSeccomp();
    }

    /** Image defaults under the request: Env merged by key, Cmd/Entrypoint/WorkingDir/User/Labels as Docker. */
    static ObjectNode mergeImageConfig(ObjectNode request, JsonNode image) {
        ObjectNode c = request.deepCopy();
        if (image == null || image.isNull() || image.isMissingNode()) {
            image = Json.object();
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : strings(image.get("Env"))) {
            env.put(e.split("=", 2)[0], e);
        }
        for (String e : strings(c.get("Env"))) {
            env.put(e.split("=", 2)[0], e);
        }
        ArrayNode envArr = c.putArray("Env");
        env.values().forEach(envArr::add);
        boolean entrypointSet = c.has("Entrypoint") && !c.get("Entrypoint").isNull();
        if (!entrypointSet && image.has("Entrypoint") && !image.get("Entrypoint").isNull()) {
            c.set("Entrypoint", image.get("Entrypoint").deepCopy());
        }
        boolean cmdEmpty = strings(c.get("Cmd")).isEmpty();
        // A new entrypoint resets the image's Cmd, as in Docker.
        if (cmdEmpty && !entrypointSet && image.has("Cmd") && !image.get("Cmd").isNull()) {
            c.set("Cmd", image.get("Cmd").deepCopy());
        }
        for (String f : List.of("WorkingDir", "User", "StopSignal")) {
            if (c.path(f).asString("").isEmpty() && !image.path(f).asString("").isEmpty()) {
                c.put(f, image.path(f).asString());
            }
        }
        ObjectNode labels = Json.object();
        if (image.get("Labels") instanceof ObjectNode il) {
            labels.setAll(il);
        }
        if (c.get("Labels") instanceof ObjectNode cl) {
            labels.setAll(cl);
        }
        c.set("Labels", labels);
        if (!c.has("ExposedPorts") && image.has("ExposedPorts")) {
            c.set("ExposedPorts", image.get("ExposedPorts").deepCopy());
        }
        if (!c.has("Volumes") && image.has("Volumes")) {
            c.set("Volumes", image.get("Volumes").deepCopy());
        }
        if (!c.has("Healthcheck") && image.has("Healthcheck")) {
            c.set("Healthcheck", image.get("Healthcheck").deepCopy());
        }
        return c;
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull() || n.isMissingNode()) {
            return out;
        }
        if (n.isString()) {
            // Old API versions send Cmd/Entrypoint as one string.
            out.add(n.asString());
            return out;
        }
        for (JsonNode e : n) {
            out.add(e.asString());
        }
        return out;
    }

    private void prepareDirectory(Container c) throws IOException {
        Files.createDirectories(paths.upper(c.id()));
        Files.createDirectories(paths.work(c.id()));
        Files.createDirectories(paths.rootfs(c.id()));
        writeEtcFiles(c, false);
    }

    /**
     * The container's /etc/hostname, /etc/hosts and /etc/resolv.conf, bind-mounted from its
     * directory. They derive from the container's record and the host, so they are written without
     * fsync and rebuilt at start if a crash lost them ({@code onlyLost}); edits made inside a
     * container survive its restarts.
     */
    private void writeEtcFiles(Container c, boolean onlyLost) throws IOException {
        Path dir = paths.dir(c.id());
        String hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
        Map<String, byte[]> files = Map.of("hostname", (c.hostname() + "\n").getBytes(StandardCharsets.UTF_8),
                "hosts", hosts.getBytes(StandardCharsets.UTF_8), "resolv.conf", resolvConf());
        for (var f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            if (!onlyLost || !Files.exists(file) || Files.size(file) == 0) {
                AtomicFiles.replace(file, f.getValue());
            }
        }
    }

    private static byte[] resolvConf() {
        try {
            // Without a network, a loopback resolver of the host is unreachable from the container.
            List<String> lines = Files.readAllLines(Path.of("/etc/resolv.conf")).stream()
                    .filter(l -> !l.matches("\\s*nameserver\\s+(127\\.|::1).*")).toList();
            return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void cleanupDirectory(String id) {
        try {
            Mounts.unmount(paths.rootfs(id), Mounts.MNT_DETACH);
            AtomicFiles.deleteTree(paths.dir(id));
        } catch (IOException ignored) {
            // best effort on a failed create
        }
    }

    // ---------------------------------------------------------------- start

    public void start(String ref) {
        Container c = get(ref);
        synchronized (lock(c.id())) {
            c = store.get(c.id()).orElseThrow(() -> EngineException.notFound("No such container: %s", ref));
            if (c.state().status() == Status.PAUSED) {
                throw EngineException.conflict("cannot start a paused container, try unpause instead");
            }
            if (c.state().running()) {
                throw EngineException.of(ErrorKind.NOT_MODIFIED, "container already started");
            }
            if (c.state().status() == Status.REMOVING || c.state().status() == Status.DEAD) {
                throw EngineException.conflict("container is marked for removal and cannot be started");
            }
            try {
                doStart(c);
            } catch (EngineException e) {
                // Docker removes an auto-remove container whose start failed; clients wait for that.
                if (c.autoRemove()) {
                    remove(c.id(), true, false);
                }
                throw e;
            }
        }
    }

    private void doStart(Container c) {
        OciRuntime runtime = runtimes.get(c.runtime());
        String id = c.id();
        boolean created = false;
        try {
            cgroupWarmup.warm(); // its ~10 ms wait overlaps the bundle and the runtime's start-up
            // conmon starts up (exec, its libraries, the log file: ~10 ms) while the bundle is made
            // (at a first start, since the create); it runs the runtime's create only when told,
            // once config.json is complete
            Conmon.Launch launch = warm.take(id).orElse(null);
            if (launch == null) {
                runtime.delete(id); // a stale runtime record from an earlier run
                Files.deleteIfExists(paths.exitDir().resolve(id));
                launch = Conmon.launchCreate(conmonArgs(c, runtime), conmonEnv());
            }
            try {
                prepareBundle(c, runtime);
            } catch (IOException | RuntimeException e) {
                launch.abort();
                throw e;
            }
            int pid = launch.create();
            created = true;
            int conmonPid = readPid(paths.dir(id).resolve("conmon.pid"));
            connectPendingAttach(c);
            runtime.start(id);
            Container running = c.withState(c.state().started(pid, conmonPid, Instant.now()));
            store.update(running);
        } catch (EngineException | IOException e) {
            String msg = e instanceof EngineException ? e.getMessage() : "start container " + c.name() + ": " + e.getMessage();
            msg = dockerizeRuntimeError(msg);
            if (created) {
                try {
                    runtime.delete(id);
                } catch (EngineException ignored) {
                    // reported below with the original error
                }
            }
            if (!CgroupLeftovers.remove(cgroupsPath(c))) {
                System.err.println("berthd: cgroup of container " + id + " left in place after the failed start: busy");
            }
            unmountRootfs(c);
            failPendingAttach(id);
            int code = msg.contains("executable file not found") || msg.contains("no such file or directory") ? 127
                    : msg.contains("permission denied") ? 126 : 128;
            store.update(c.withState(c.state().failed(code, msg, Instant.now())));
            var waiters = exitWaiters.remove(id);
            if (waiters != null) {
                waiters.forEach(f -> f.complete(code));
            }
            EngineException failure = e instanceof EngineException ee && ee.kind() != ErrorKind.SYSTEM ? ee
                    : new EngineException(code == 128 ? ErrorKind.SYSTEM : ErrorKind.INVALID_ARGUMENT, msg, e);
            throw failure;
        }
    }

    private ConmonArgs conmonArgs(Container c, OciRuntime runtime) {
        String id = c.id();
        return new ConmonArgs(conmon, id, id.substring(0, 12), runtime, paths.dir(id),
                paths.dir(id).resolve("pidfile"), paths.dir(id).resolve("conmon.pid"), c.name(), paths.exitDir(),
                paths.socketDir(), Optional.of(paths.log(id)), logSizeMax(c), !c.autoRemove(), c.tty(), c.openStdin(),
                leaveStdinOpen(c), Optional.empty(), false); // an auto-remove container's log goes with it: no fsync
    }

    /** The /etc files, the mounted rootfs and config.json: what the runtime's create reads. */
    private void prepareBundle(Container c, OciRuntime runtime) throws IOException {
        String id = c.id();
        if (!c.hostConfig().path("NetworkMode").asString("").startsWith("container:")) {
            writeEtcFiles(c, true);
        }
        mountRootfs(c);
        RuntimeSpec spec = runtimeSpec(c);
        ObjectNode oci = specs.generate(spec);
        if (c.hostConfig().path("NetworkMode").asString("").equals("host")) {
            removeNamespace(oci, "network");
        }
        if (runtime.takesPrecompiledSeccomp()) {
            SeccompBpf.precompile(oci);
        }
        // rebuilt at every start and read by the runtime right away: no need to survive a power loss
        AtomicFiles.replace(paths.dir(id).resolve("config.json"), Json.bytes(oci));
    }

    /** Docker's wording for the runtime errors that its CLI turns into exit codes 126 and 127. */
    static String dockerizeRuntimeError(String msg) {
        var notFound = Pattern.compile("executable file `([^`]*)` not found").matcher(msg);
        if (notFound.find()) {
            return "failed to create task for container: OCI runtime create failed: unable to start container process: exec: \""
                    + notFound.group(1) + "\": executable file not found in $PATH: unknown";
        }
        if (msg.contains("No such file or directory") && msg.contains("exec")) {
            return msg.replace("No such file or directory", "no such file or directory");
        }
        if (msg.contains("Permission denied")) {
            return msg.replace("Permission denied", "permission denied");
        }
        return msg;
    }

    private static void removeNamespace(ObjectNode oci, String type) {
        ArrayNode ns = (ArrayNode) oci.path("linux").path("namespaces");
        for (int i = ns.size() - 1; i >= 0; i--) {
            if (ns.get(i).path("type").asString("").equals(type)) {
                ns.remove(i);
            }
        }
    }

    private static long logSizeMax(Container c) {
        String max = c.hostConfig().path("LogConfig").path("Config").path("max-size").asString("");
        return max.isEmpty() ? -1 : Sizes.parseBytes(max);
    }

    private static Map<String, String> conmonEnv() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    }

    private static int readPid(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void mountRootfs(Container c) throws IOException {
        Path merged = paths.rootfs(c.id());
        if (isMounted(merged)) {
            return;
        }
        Path listed = layerList(c.id()); // where records of older versions kept them
        List<Path> layers = c.layers() != null ? c.layers().stream().map(Path::of).toList()
                : Files.exists(listed) ? Files.readAllLines(listed).stream().filter(l -> !l.isBlank()).map(Path::of).toList()
                : images.resolve(c.imageId()).layerDirs();
        Files.createDirectories(merged);
        if (layers.isEmpty()) {
            // overlayfs needs a lower layer; an image without layers gets an empty one.
            Path empty = paths.dir(c.id()).resolve("empty");
            Files.createDirectories(empty);
            layers = List.of(empty);
        }
        StringBuilder lower = new StringBuilder();
        for (int i = layers.size() - 1; i >= 0; i--) { // overlayfs lists the top layer first
            if (!lower.isEmpty()) {
                lower.append(':');
            }
            lower.append(layers.get(i));
        }
        String data = "lowerdir=" + lower + ",upperdir=" + paths.upper(c.id()) + ",workdir=" + paths.work(c.id());
        if (c.autoRemove()) {
            // Nothing of an auto-remove container outlives it, so its writes need never reach the
            // disk: without "volatile" the unmount at its exit syncs the whole upper file system,
            // 4-6 ms here and over 200 ms while other programs write (Podman mounts --rm so too).
            try {
                Mounts.mount("overlay", merged, "overlay", 0, data + ",volatile");
                return;
            } catch (dev.berth.sys.Libc.ErrnoException e) {
                if (e.errno() != dev.berth.sys.Libc.EINVAL) {
                    throw e;
                }
                // before Linux 5.10: no volatile overlays
            }
        }
        Mounts.mount("overlay", merged, "overlay", 0, data);
    }

    private void unmountRootfs(Container c) {
        try {
            Mounts.unmount(paths.rootfs(c.id()), Mounts.MNT_DETACH);
        } catch (IOException e) {
            System.err.println("berthd: unmount rootfs of " + c.id() + ": " + e.getMessage());
        }
    }

    /** A mount point has another device than its parent directory (two stats, not a read of every mount). */
    static boolean isMounted(Path p) {
        try {
            Path abs = p.toAbsolutePath();
            Object dev = Files.getAttribute(abs, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return !dev.equals(Files.getAttribute(abs.getParent(), "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return false;
        }
    }

    private RuntimeSpec runtimeSpec(Container c) {
        ObjectNode cfg = c.config();
        ObjectNode hc = c.hostConfig();
        Path rootfs = paths.rootfs(c.id());
        UserResolver.User user = UserResolver.resolve(rootfs, cfg.path("User").asString(""));
        List<String> env = new ArrayList<>(strings(cfg.get("Env")));
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
            env.addFirst(DEFAULT_PATH);
        }
        env.add("HOSTNAME=" + c.hostname());
        if (c.tty() && env.stream().noneMatch(e -> e.startsWith("TERM="))) {
            env.add("TERM=xterm");
        }
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
            env.add("HOME=" + user.home());
        }
        List<String> args = new ArrayList<>();
        args.add(c.path());
        args.addAll(c.args());
        if (hc.path("Init").asBoolean(false)) {
            args.addFirst("--");
            args.addFirst("/dev/init");
        }
        List<RuntimeSpec.BindMount> binds = new ArrayList<>();
        Path dir = paths.dir(c.id());
        if (!hc.path("NetworkMode").asString("").startsWith("container:")) {
            binds.add(new RuntimeSpec.BindMount(dir.resolve("hostname"), "/etc/hostname", false));
            binds.add(new RuntimeSpec.BindMount(dir.resolve("hosts"), "/etc/hosts", false));
            binds.add(new RuntimeSpec.BindMount(dir.resolve("resolv.conf"), "/etc/resolv.conf", false));
        }
        if (hc.path("Init").asBoolean(false)) {
            Path tini = Executables.find("tini-static").or(() -> Executables.find("tini"))
                    .orElseThrow(() -> EngineException.invalid("--init needs tini on the host"));
            binds.add(new RuntimeSpec.BindMount(tini, "/dev/init", true));
        }
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (hc.get("Sysctls") instanceof ObjectNode sc) {
            sc.properties().forEach(e -> sysctls.put(e.getKey(), e.getValue().asString()));
        }
        RuntimeSpec.Resources res = new RuntimeSpec.Resources(hc.path("Memory").asLong(0), hc.path("MemorySwap").asLong(0),
                hc.path("CpuShares").asLong(0), cpuQuota(hc), cpuPeriod(hc), hc.path("CpusetCpus").asString(""),
                hc.path("PidsLimit").asLong(0), hc.path("BlkioWeight").asLong(0));
        return new RuntimeSpec(c.id(), rootfs, hc.path("ReadonlyRootfs").asBoolean(false), c.hostname(), args, env,
                cfg.path("WorkingDir").asString(""), user.uid(), user.gid(), user.additionalGids(), c.tty(),
                hc.path("Privileged").asBoolean(false), strings(hc.get("CapAdd")), strings(hc.get("CapDrop")), binds,
                cgroupsPath(c), res, sysctls, hc.path("ShmSize").asLong(0), seccompFor(hc));
    }

    private static String cgroupsPath(Container c) {
        return "/berth/" + c.id();
    }

    private static long cpuQuota(ObjectNode hc) {
        long nano = hc.path("NanoCpus").asLong(0);
        return nano > 0 ? nano * 100_000L / 1_000_000_000L : hc.path("CpuQuota").asLong(0);
    }

    private static long cpuPeriod(ObjectNode hc) {
        return hc.path("NanoCpus").asLong(0) > 0 ? 100_000L : hc.path("CpuPeriod").asLong(0);
    }

    // ---------------------------------------------------------------- stop, kill, pause

    /** Docker's stop: the stop signal, then SIGKILL after the timeout. False if it was not running (304). */
    public boolean stop(String ref, Integer timeoutSeconds, String signal) {
        Container c = get(ref);
        if (!c.state().running()) {
            return false;
        }
        int timeout = timeoutSeconds != null ? timeoutSeconds
                : c.config().has("StopTimeout") && !c.config().get("StopTimeout").isNull() ? c.config().path("StopTimeout").asInt(10) : 10;
        String sigName = signal != null && !signal.isEmpty() ? signal : c.config().path("StopSignal").asString("");
        int sig = sigName.isEmpty() ? Signals.SIGTERM : Signals.parse(sigName);
        CompletableFuture<Integer> exited = exitFuture(c.id());
        if (c.state().status() == Status.PAUSED) {
            runtimes.get(c.runtime()).resume(c.id());
        }
        signalProcess(c, sig);
        try {
            if (timeout < 0) {
                exited.get();
            } else {
                exited.get(timeout, TimeUnit.SECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            signalProcess(c, Signals.SIGKILL);
        } catch (Exception e) {
            throw EngineException.system(e, "stop container %s", c.name());
        }
        try {
            exited.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw EngineException.system(e, "container %s did not exit after SIGKILL", c.name());
        }
        return true;
    }

    public void kill(String ref, String signal) {
        Container c = get(ref);
        if (!c.state().running()) {
            throw EngineException.conflict("Cannot kill container: %s: Container %s is not running", ref, c.id());
        }
        int sig = signal == null || signal.isEmpty() ? Signals.SIGKILL : Signals.parse(signal);
        signalProcess(c, sig);
    }

    private void signalProcess(Container c, int sig) {
        try {
            runtimes.get(c.runtime()).kill(c.id(), sig, false);
        } catch (EngineException e) {
            // The process may have exited between our check and the kill.
            if (store.get(c.id()).map(x -> x.state().running()).orElse(false) && dev.berth.sys.Processes.alive(c.state().pid())) {
                throw e;
            }
        }
    }

    public void pause(String ref) {
        Container c = get(ref);
        synchronized (lock(c.id())) {
            c = get(c.id());
            if (!c.state().running()) {
                throw EngineException.conflict("Container %s is not running", c.id());
            }
            if (c.state().status() == Status.PAUSED) {
                throw EngineException.conflict("Container %s is already paused", c.id());
            }
            runtimes.get(c.runtime()).pause(c.id());
            store.update(c.withState(c.state().withStatus(Status.PAUSED)));
        }
    }

    public void unpause(String ref) {
        Container c = get(ref);
        synchronized (lock(c.id())) {
            c = get(c.id());
            if (c.state().status() != Status.PAUSED) {
                throw EngineException.conflict("Container %s is not paused", c.id());
            }
            runtimes.get(c.runtime()).resume(c.id());
            store.update(c.withState(c.state().withStatus(Status.RUNNING)));
        }
    }

    public void restart(String ref, Integer timeout, String signal) {
        Container c = get(ref);
        stop(c.id(), timeout, signal);
        start(c.id());
    }

    public void rename(String ref, String newName) {
        Container c = get(ref);
        String n = newName.startsWith("/") ? newName.substring(1) : newName;
        if (!NAME.matcher(n).matches()) {
            throw EngineException.invalid("Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", newName);
        }
        synchronized (store) {
            if (store.all().stream().anyMatch(o -> o.name().equals(n) && !o.id().equals(c.id()))) {
                Container other = store.lookup(n).getFirst();
                throw EngineException.conflict(
                        "Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
                        n, other.id());
            }
            store.update(get(c.id()).withName(n));
        }
        warm.discard(c.id()); // it was given the old name: the start spawns one with the new
    }

    // ---------------------------------------------------------------- wait

    /** Docker's wait conditions: "not-running" (default), "next-exit", "removed". */
    public CompletableFuture<Integer> waitFor(String ref, String condition) {
        Container c = get(ref);
        String cond = condition == null || condition.isEmpty() ? "not-running" : condition;
        switch (cond) {
            case "not-running" -> {
                CompletableFuture<Integer> f = exitFuture(c.id());
                Container now = store.get(c.id()).orElse(null);
                if (now == null || !now.state().running()) {
                    return CompletableFuture.completedFuture(now == null ? c.state().exitCode() : now.state().exitCode());
                }
                return f;
            }
            case "next-exit" -> {
                return exitFuture(c.id());
            }
            case "removed" -> {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                removeWaiters.computeIfAbsent(c.id(), k -> new CopyOnWriteArrayList<>()).add(f);
                if (store.get(c.id()).isEmpty()) {
                    f.complete(c.state().exitCode());
                }
                return f;
            }
            default -> throw EngineException.invalid("invalid condition: \"%s\"", cond);
        }
    }

    private CompletableFuture<Integer> exitFuture(String id) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        exitWaiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    // ---------------------------------------------------------------- exits

    /** Called by the exit watcher when conmon wrote {@code exits/<id>}. */
    private void onExit(String id, int code) {
        Container c = store.get(id).orElse(null);
        if (c == null) {
            return;
        }
        synchronized (lock(id)) {
            c = store.get(id).orElse(null);
            if (c != null && c.state().status() == Status.REMOVING) {
                completeExitWaiters(id, code); // remove() killed it, waits for this and cleans up itself
                return;
            }
            if (c == null || !c.state().running()) {
                return;
            }
            if (!c.autoRemove()) {
                finishExit(c, code, Instant.now());
                return;
            }
            c = c.withState(c.state().exited(code, Instant.now()));
            removeContainer(c);
        }
        deleteRuntimeState(c); // after the reply: see removeContainer
    }

    /**
     * Records an exit at {@code finishedAt}: the runtime's delete (a process start), the unmount of
     * the rootfs and the durable exited state run side by side; waiters hear of it once all three
     * are done.
     */
    private void finishExit(Container c, int code, Instant finishedAt) {
        Container exited = c.withState(c.state().exited(code, finishedAt));
        inParallel(() -> deleteRuntimeState(c), () -> unmountRootfs(c), () -> store.update(exited));
        try {
            Files.deleteIfExists(paths.exitDir().resolve(c.id()));
        } catch (IOException ignored) {
            // stale exit files are overwritten by the next run
        }
        completeExitWaiters(c.id(), code);
    }

    private void deleteRuntimeState(Container c) {
        try {
            runtimes.get(c.runtime()).delete(c.id());
        } catch (EngineException e) {
            System.err.println("berthd: " + e.getMessage());
        }
    }

    /** Runs the tasks at once (the first on this thread) and returns when all are done; the first failure is rethrown. */
    private static void inParallel(Runnable first, Runnable... others) {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Runnable r : others) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    r.run();
                    f.complete(null);
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            started.add(f);
        }
        RuntimeException failure = null;
        try {
            first.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        for (CompletableFuture<Void> f : started) {
            try {
                joinUninterruptibly(f);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void joinUninterruptibly(CompletableFuture<Void> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void completeExitWaiters(String id, int code) {
        var waiters = exitWaiters.remove(id);
        if (waiters != null) {
            waiters.forEach(f -> f.complete(code));
        }
    }

    /**
     * At daemon start: containers that were running when berthd stopped are either still running
     * (conmon alive), or exited meanwhile (conmon's exit file has the real code), or lost; an
     * exited auto-remove container is removed, as Docker does. What a removal interrupted by a
     * crash left (a container directory, runtime state or exit file without a record) goes too.
     */
    private void reconcile() {
        for (Container c : store.all()) {
            if (c.state().status() == Status.REMOVING) {
                removeContainer(c);
                deleteRuntimeState(c);
                continue;
            }
            if (!c.state().running()) {
                continue;
            }
            Path exitFile = paths.exitDir().resolve(c.id());
            boolean exited = true;
            if (Files.exists(exitFile)) {
                // it exited while no berthd ran: conmon wrote the file then, not now
                finishExit(c, ExitWatcher.readCode(exitFile), writtenAt(exitFile));
            } else if (!dev.berth.sys.Processes.alive(c.state().conmonPid())) {
                finishExit(c, 255, Instant.now());
            } else {
                exited = false;
            }
            if (exited && c.autoRemove()) {
                Container gone = store.get(c.id()).orElse(c);
                removeContainer(gone);
                deleteRuntimeState(gone);
            }
        }
        sweepLeftovers();
    }

    private static Instant writtenAt(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    /** Container directories, runtime state, exit files and attach links that no record owns (a removal cut short). */
    private void sweepLeftovers() {
        try (var dirs = Files.list(paths.dataRoot().resolve("containers"))) {
            for (Path dir : dirs.toList()) {
                String id = dir.getFileName().toString();
                if (store.get(id).isPresent() || !Files.isDirectory(dir)) {
                    continue;
                }
                try {
                    Mounts.unmount(paths.rootfs(id), Mounts.MNT_DETACH);
                } catch (IOException notMounted) {
                    // the usual case: it was unmounted before the record went
                }
                for (OciRuntime r : runtimes.values()) {
                    deleteReporting(r, id);
                }
                AtomicFiles.deleteTree(dir);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no container yet
        } catch (IOException e) {
            System.err.println("berthd: sweep container directories: " + e.getMessage());
        }
        for (OciRuntime r : runtimes.values()) {
            for (String id : r.containerIds()) {
                if (store.get(id).isEmpty()) {
                    deleteReporting(r, id);
                }
            }
        }
        try (var files = Files.list(paths.exitDir())) {
            for (Path f : files.toList()) {
                String id = f.getFileName().toString();
                if (id.length() == 64 && store.get(id).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            System.err.println("berthd: sweep exit files: " + e.getMessage());
        }
        List<String> owned = store.all().stream().map(Container::id).toList();
        try (var links = Files.list(paths.socketDir())) {
            for (Path l : links.toList()) {
                String shortId = l.getFileName().toString();
                if (Files.isSymbolicLink(l) && owned.stream().noneMatch(id -> id.startsWith(shortId))) {
                    Files.deleteIfExists(l);
                }
            }
        } catch (IOException e) {
            System.err.println("berthd: sweep attach links: " + e.getMessage());
        }
    }

    /** The runtime's delete of a leftover; a failure is reported and the sweep goes on. */
    private static void deleteReporting(OciRuntime r, String id) {
        try {
            r.delete(id);
        } catch (EngineException e) {
            System.err.println("berthd: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- remove, prune

    public void remove(String ref, boolean force, boolean volumes) {
        Container c = get(ref);
        synchronized (lock(c.id())) {
            c = store.get(c.id()).orElseThrow(() -> EngineException.notFound("No such container: %s", ref));
            if (c.state().running()) {
                if (!force) {
                    String what = c.state().status() == Status.PAUSED ? "container is paused and must be unpaused first"
                            : "container is running: stop the container before removing or force remove";
                    throw EngineException.conflict("cannot remove container \"/%s\": %s", c.name(), what);
                }
            }
            if (c.state().status() == Status.REMOVING) {
                throw EngineException.conflict("removal of container %s is already in progress", c.id());
            }
            store.update(c.withState(c.state().withStatus(Status.REMOVING)));
        }
        warm.discard(c.id());
        if (c.state().running()) {
            CompletableFuture<Integer> exited = exitFuture(c.id());
            if (c.state().status() == Status.PAUSED) {
                runtimes.get(c.runtime()).resume(c.id());
            }
            signalProcess(c, Signals.SIGKILL);
            try {
                exited.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("berthd: container " + c.id() + " did not report its exit after SIGKILL; removing it anyway");
                finishExit(store.get(c.id()).orElse(c), 137, Instant.now());
            }
            c = store.get(c.id()).orElse(c);
        }
        removeContainer(c);
        Container removed = c;
        Thread.ofVirtual().start(() -> deleteRuntimeState(removed)); // after the reply: see removeContainer
    }

    /**
     * Removes a container that no longer runs, all but the runtime's own record of it: the record,
     * the cgroup (empty: the processes died with the container's init) and the rootfs mount then
     * the container's files go side by side, its layers are released, then waiters are told. The
     * runtime's delete (a process start, and only the runtime's state under the exec root is left
     * for it) is the caller's to run after, once the client has its answer; a crash before it
     * leaves runtime state without a record, which the next start deletes ({@link #sweepLeftovers}),
     * as it does a container directory without a record.
     */
    private void removeContainer(Container c) {
        boolean[] cgroupLeft = {false};
        inParallel(() -> store.delete(c.id()), () -> {
            unmountRootfs(c);
            removeFiles(c);
        }, () -> cgroupLeft[0] = !CgroupLeftovers.remove(cgroupsPath(c)));
        if (cgroupLeft[0]) {
            // a process still in it (a create that failed midway, a shared pid namespace): the
            // runtime's delete kills what is left and removes the cgroup, before the reply
            deleteRuntimeState(c);
            if (!CgroupLeftovers.remove(cgroupsPath(c))) {
                System.err.println("berthd: cgroup of removed container " + c.id() + " left in place: still busy");
            }
        }
        try {
            images.released(c.imageId());
        } catch (RuntimeException e) {
            System.err.println("berthd: layers of removed container " + c.id() + ": " + e.getMessage());
        }
        locks.remove(c.id());
        var waiters = removeWaiters.remove(c.id());
        int code = c.state().exitCode();
        if (waiters != null) {
            waiters.forEach(f -> f.complete(code));
        }
        var exitW = exitWaiters.remove(c.id());
        if (exitW != null) {
            exitW.forEach(f -> f.complete(code));
        }
    }

    /** What a removed container leaves on disk: its exit file, attach link and directory. */
    private void removeFiles(Container c) {
        try {
            Files.deleteIfExists(paths.socketDir().resolve(c.id().substring(0, 12)));
            Files.deleteIfExists(paths.exitDir().resolve(c.id()));
            AtomicFiles.deleteTree(paths.dir(c.id()));
        } catch (IOException e) {
            System.err.println("berthd: remove files of container " + c.id() + " (swept at the next start): " + e.getMessage());
        }
    }

    private Path layerList(String id) {
        return paths.dir(id).resolve("layers");
    }

    // ---------------------------------------------------------------- attach

    /** A client waiting for a created container to start. */
    private record PendingAttach(CompletableFuture<SeqPacketSocket> socket) {}

    /** An attach registered with the container; {@link #await} gives the session once it can run. */
    public interface PendingSession {
        AttachSession await();

        /** Gives up an attach that was never awaited (the client went away first). */
        default void cancel() {}
    }

    /**
     * Attaches to a container's stdio. For a container that has not started yet, the attach is
     * registered now and connected by {@link #start} (so no output is lost), like Docker's
     * attach-then-start; callers must call this before telling the client the attach is in place
     * (the 101 response), or a fast client's start could overtake the registration.
     */
    public PendingSession attach(String ref, boolean stdout, boolean stderr, String detachKeys) {
        Container c = get(ref);
        byte[] keys = AttachSession.parseDetachKeys(detachKeys);
        PendingAttach pending;
        synchronized (lock(c.id())) {
            c = get(c.id());
            if (c.state().running()) {
                AttachSession now = new AttachSession(connectAttach(c), stdout, stderr, keys);
                return () -> now;
            }
            // start() takes the same lock, so it cannot miss this registration.
            pending = new PendingAttach(new CompletableFuture<>());
            pendingAttach.computeIfAbsent(c.id(), k -> new CopyOnWriteArrayList<>()).add(pending);
        }
        String id = c.id();
        return new PendingSession() {
            @Override
            public AttachSession await() {
                try {
                    return new AttachSession(pending.socket().get(), stdout, stderr, keys);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw EngineException.system(e, "attach to %s interrupted", id);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw EngineException.conflict("container %s failed to start: %s", id, e.getCause().getMessage());
                }
            }

            @Override
            public void cancel() {
                var list = pendingAttach.get(id);
                if (list != null) {
                    list.remove(pending);
                }
                pending.socket().thenAccept(SeqPacketSocket::close);
            }
        };
    }

    private SeqPacketSocket connectAttach(Container c) {
        try {
            return SeqPacketSocket.connect(paths.attachSocket(c.id()).toString());
        } catch (IOException e) {
            throw EngineException.system(e, "attach to container %s: %s", c.id(), e.getMessage());
        }
    }

    private void connectPendingAttach(Container c) {
        var list = pendingAttach.remove(c.id());
        if (list == null) {
            return;
        }
        for (PendingAttach p : list) {
            try {
                p.socket().complete(SeqPacketSocket.connect(paths.attachSocket(c.id()).toString()));
            } catch (IOException e) {
                p.socket().completeExceptionally(e);
            }
        }
    }

    private void failPendingAttach(String id) {
        var list = pendingAttach.remove(id);
        if (list != null) {
            list.forEach(p -> p.socket().completeExceptionally(new IOException("container failed to start")));
        }
    }

    /** Resizes the container's terminal through conmon's control fifo. */
    public void resize(String ref, int height, int width) {
        Container c = get(ref);
        if (!c.state().running()) {
            throw EngineException.conflict("Container %s is not running", c.id());
        }
        writeControl(paths.controlFifo(c.id()), height, width);
    }

    /**
     * Whether conmon keeps the container's stdin open when an attached client goes away. StdinOnce
     * closes it after the first client, but, as in Docker, never for a TTY: {@code run -it} then
     * ctrl-p ctrl-q must leave a shell that a later {@code attach} can still type into.
     */
    static boolean leaveStdinOpen(Container c) {
        return c.openStdin() && (!c.stdinOnce() || c.tty());
    }

    static void writeControl(Path fifo, int height, int width) {
        try (var out = java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw EngineException.system(e, "resize: %s", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- logs

    public void logs(String ref, LogReader.Options options, StreamSink sink) throws IOException {
        Container c = get(ref);
        String driver = c.hostConfig().path("LogConfig").path("Type").asString("k8s-file");
        if (driver.equals("none")) {
            throw EngineException.invalid("configured logging driver does not support reading");
        }
        String id = c.id();
        LogReader.read(paths.log(id), options, sink, () -> store.get(id).map(x -> x.state().running()).orElse(false));
    }

    public OciRuntime runtimeOf(Container c) {
        return runtimes.get(c.runtime());
    }

    /** For exec: its runtime joins the container's cgroups too. */
    CgroupMigrationWarmup cgroupWarmup() {
        return cgroupWarmup;
    }

    public Path conmonBinary() {
        return conmon;
    }

    public ContainerPaths paths() {
        return paths;
    }

    @Override
    public void close() {
        warm.close();
        exits.close();
    }
}
