package dev.berth.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real berthd on a private data root, exec root and socket under /tmp/berth-it-*, run as a
 * child process. {@link #close} removes every container, stops the daemon and leaves no mount,
 * process or file behind; {@link #sweepStale} cleans what a suite that died left.
 */
final class DaemonFixture implements AutoCloseable {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Path root;
    final Path dataRoot;
    final Path execRoot;
    final Path socket;
    final String host;
    private static final String OWNER_LOCK = ".owner.lock";
    private final FileChannel owner;
    private Process daemon;
    private final String runtime;
    private final String daemonJson;
    private final MountNamespace namespace;
    private final List<String> jvmFlags;

    /**
     * berthd runs in a private mount namespace after {@code setup} (a shell command) ran there, e.g.
     * to show it a cgroup v2 only /sys/fs/cgroup. Its mounts and its containers' die with it.
     */
    record MountNamespace(String setup) {}

    DaemonFixture(String runtime) throws IOException {
        this(runtime, "{}");
    }

    /** A daemon started with {@code daemonJson} as its daemon.json. */
    DaemonFixture(String runtime, String daemonJson) throws IOException {
        this(runtime, daemonJson, null, List.of());
    }

    DaemonFixture(String runtime, MountNamespace namespace) throws IOException {
        this(runtime, "{}", namespace, List.of());
    }

    /** With extra JVM flags for berthd, e.g. {@code -Djdk.net.hosts.file=...} so it resolves only test names. */
    DaemonFixture(String runtime, String daemonJson, List<String> jvmFlags) throws IOException {
        this(runtime, daemonJson, null, jvmFlags);
    }

    private DaemonFixture(String runtime, String daemonJson, MountNamespace namespace, List<String> jvmFlags) throws IOException {
        sweepStale();
        this.runtime = runtime;
        this.daemonJson = daemonJson;
        this.namespace = namespace;
        this.jvmFlags = List.copyOf(jvmFlags);
        root = Files.createTempDirectory("berth-it-");
        owner = FileChannel.open(root.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        owner.lock(); // held until this JVM ends: a sweep by another suite leaves this root alone
        dataRoot = root.resolve("data");
        execRoot = root.resolve("run");
        socket = execRoot.resolve("berth.sock");
        host = "unix://" + socket;
        start();
        importBusybox();
    }

    void start() throws IOException {
        Path log = root.resolve("berthd.log");
        Files.writeString(root.resolve("daemon.json"), daemonJson);
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            // unshare and sh exec, so the pid stays berthd's
            cmd.addAll(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", namespace.setup() + " && exec \"$@\"", "sh"));
        }
        cmd.addAll(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp",
                System.getProperty("java.class.path"), "dev.berth.daemon.Berthd", "--data-root", dataRoot.toString(),
                "--exec-root", execRoot.toString(), "-H", host, "--default-runtime", runtime,
                "--config-file", root.resolve("daemon.json").toString()));
        daemon = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IOException("berthd exited: " + Files.readString(log));
            }
            if (Files.exists(socket) && Cmd.run(List.of("curl", "-sf", "--unix-socket", socket.toString(), "http://x/_ping")).code() == 0) {
                return;
            }
            sleep(50);
        }
        throw new IOException("berthd did not listen in time: " + Files.readString(log));
    }

    /** SIGTERM, as an operator would stop it; containers keep running. */
    void stopDaemon() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor();
        }
    }

    long daemonPid() {
        return daemon.pid();
    }

    String log() throws IOException {
        return Files.readString(root.resolve("berthd.log"));
    }

    private void importBusybox() throws IOException {
        Path tar = root.resolve("busybox.tar");
        Path script = Path.of(System.getProperty("berth.root", "..")).resolve("scripts/busybox-image.sh").toAbsolutePath();
        Cmd.Result r = Cmd.run(List.of("bash", script.toString(), tar.toString()));
        if (r.code() != 0) {
            throw new IOException("busybox-image.sh failed: " + r.stderr());
        }
        Cmd.Result imp = Cmd.run(List.of("curl", "-sf", "--unix-socket", socket.toString(), "-X", "POST",
                "-H", "Content-Type: application/x-tar", "--data-binary", "@" + tar,
                "http://x/v1.44/images/create?fromSrc=-&repo=busybox&tag=latest&changes=" + java.net.URLEncoder.encode("CMD [\"sh\"]", StandardCharsets.UTF_8)));
        if (imp.code() != 0) {
            throw new IOException("import busybox failed: " + imp.stdout() + imp.stderr() + log());
        }
        Files.delete(tar);
    }

    /** The docker CLI pointed at this daemon. */
    Cmd.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd);
    }

    Cmd.Result dockerStdin(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", host));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, stdin);
    }

    @Override
    public void close() throws Exception {
        try {
            Cmd.Result ids = docker("ps", "-aq");
            for (String id : ids.stdout().split("\\s+")) {
                if (!id.isBlank()) {
                    docker("rm", "-f", id);
                }
            }
        } finally {
            stopDaemon();
            cleanup(root);
            owner.close();
        }
    }

    /** Kills conmon and container processes of a test root, unmounts what is mounted under it, deletes it. */
    static void cleanup(Path root) throws IOException, InterruptedException {
        String prefix = root.toString();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().commandLine().orElse("");
            if (cmd.contains(prefix) && p.pid() != ProcessHandle.current().pid()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        Thread.sleep(100);
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = line.split(" ")[4];
            if (mp.startsWith(prefix)) {
                mounts.add(mp);
            }
        }
        mounts.sort(Comparator.reverseOrder());
        for (String m : mounts) {
            Cmd.run(List.of("umount", "-l", m));
        }
        for (String cg : List.of("/sys/fs/cgroup")) {
            // cgroups of containers that were killed without the runtime's delete
            try (var s = Files.list(Path.of(cg))) {
                for (Path ctrl : s.toList()) {
                    Path berth = ctrl.resolve("berth");
                    if (Files.isDirectory(berth)) {
                        try (var kids = Files.list(berth)) {
                            for (Path k : kids.toList()) {
                                if (Files.exists(k.resolve("cgroup.procs")) && Files.readString(k.resolve("cgroup.procs")).isBlank()) {
                                    Cmd.run(List.of("rmdir", k.toString()));
                                }
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // not a cgroup host layout we know
            }
        }
        Cmd.run(List.of("rm", "-rf", "--one-file-system", root.toString()));
    }

    /**
     * Cleans up roots left by a suite that died midway. A root is stale when no live JVM holds its
     * owner lock (file locks die with their process), so suites running side by side, in this JVM
     * or another, never sweep each other's daemons.
     */
    static void sweepStale() {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path p : s.filter(x -> x.getFileName().toString().startsWith("berth-it-")).toList()) {
                if (isStale(p)) {
                    cleanup(p);
                }
            }
        } catch (IOException | InterruptedException e) {
            // nothing stale, or nothing we can do
        }
    }

    private static boolean isStale(Path root) throws IOException {
        Path lockFile = root.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            // just created and not yet locked, or left by a suite too old to lock: judge by age
            return Files.getLastModifiedTime(root).toInstant().isBefore(java.time.Instant.now().minusSeconds(120));
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false; // another JVM owns it
            }
            lock.release();
            return true;
        } catch (java.nio.channels.OverlappingFileLockException ownedHere) {
            return false;
        }
    }

    /** The conmon processes of a container (conmon names it with {@code -c <id>}). */
    static List<ProcessHandle> conmons(String id) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("conmon"))
                .filter(p -> p.info().commandLine().orElse("").contains("-c " + id + " "))
                .toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
