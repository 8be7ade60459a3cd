package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The berth CLI, run as its own process, against a real berthd: Docker's flags, tables, templates,
 * exit codes and error wording, and an interactive session driven through tmux.
 */
class BerthCliIT extends SharedDaemon {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final Path SOURCES = Path.of(System.getProperty("berth.root", "..")).toAbsolutePath();

    private List<String> berthCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.berth.cli.BerthCli",
                "-H", d.host));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Cmd.Result berth(String... args) {
        return Cmd.run(berthCommand(args));
    }

    @Test
    void runPassesExitCodesAndStreams() {
        Cmd.Result hello = berth("run", "--rm", "busybox", "echo", "hello from berth");
        assertThat(hello.code()).as(hello.toString()).isZero();
        assertThat(hello.stdout()).isEqualTo("hello from berth\n");
        assertThat(berth("run", "--rm", "busybox", "sh", "-c", "exit 3").code()).isEqualTo(3);
        Cmd.Result split = berth("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2");
        assertThat(split.stdout()).isEqualTo("out\n");
        assertThat(split.stderr()).isEqualTo("err\n");
        Cmd.Result notFound = berth("run", "--rm", "busybox", "no-such-command");
        assertThat(notFound.code()).isEqualTo(127);
        assertThat(notFound.stderr()).contains("executable file not found");
        Cmd.Result notExecutable = berth("run", "--rm", "busybox", "/etc/passwd");
        assertThat(notExecutable.code()).as(notExecutable.toString()).isEqualTo(126);
        Cmd.Result badFlag = berth("run", "--no-such-flag", "busybox");
        assertThat(badFlag.code()).isEqualTo(125);
        // --pull never: a missing image must not send the daemon to Docker Hub (no internet in tests)
        Cmd.Result noImage = berth("run", "--pull", "never", "--rm", "nosuchimage:1.0");
        assertThat(noImage.code()).isEqualTo(125);
        assertThat(noImage.stderr()).contains("No such image: nosuchimage:1.0");
        // the default, missing: a pull from a registry that is not there (a closed loopback port)
        Cmd.Result unreachable = berth("run", "--rm", "127.0.0.1:9/nosuch:1.0");
        assertThat(unreachable.code()).as(unreachable.toString()).isEqualTo(125);
        assertThat(unreachable.stderr()).contains("Unable to find image '127.0.0.1:9/nosuch:1.0' locally");
        Cmd.Result badPolicy = berth("run", "--pull", "sometimes", "busybox");
        assertThat(badPolicy.code()).isEqualTo(125);
        assertThat(badPolicy.stderr()).contains("invalid pull option: 'sometimes'");
    }

    @Test
    void runOptionsReachTheContainer() throws Exception {
        Path envFile = d.root.resolve("env.list");
        Files.writeString(envFile, "# comment\nFROM_FILE=yes\n");
        Path labelFile = d.root.resolve("labels");
        Files.writeString(labelFile, "from.file=1\n");
        Cmd.Result r = berth("run", "--rm", "--name", "opts", "-e", "A=1", "--env", "B=two", "--env-file", envFile.toString(),
                "-w", "/tmp", "-u", "nobody", "-h", "box", "-l", "k=v", "--label-file", labelFile.toString(),
                "busybox", "sh", "-c", "echo $A $B $FROM_FILE; pwd; id -un; hostname");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("1 two yes\n/tmp\nnobody\nbox\n");
        Cmd.Result entry = berth("run", "--rm", "--entrypoint", "echo", "busybox", "via", "entrypoint");
        assertThat(entry.stdout()).isEqualTo("via entrypoint\n");
        Cmd.Result ro = berth("run", "--rm", "--read-only", "busybox", "touch", "/x");
        assertThat(ro.code()).isNotZero();
        assertThat(ro.stderr()).contains("Read-only file system");
        Cmd.Result runc = berth("run", "--rm", "--runtime", "runc", "busybox", "sh", "-c", "echo $$");
        assertThat(runc.stdout()).isEqualTo("1\n");
        assertThat(berth("create", "--name", "labelled", "-l", "k=v", "--label-file", labelFile.toString(),
                "--stop-signal", "SIGUSR1", "--stop-timeout", "3", "busybox").code()).isZero();
        Cmd.Result inspect = berth("inspect", "-f",
                "{{.Config.Labels}} {{.Config.StopSignal}} {{.Config.StopTimeout}}", "labelled");
        assertThat(inspect.stdout().trim()).isEqualTo("map[from.file:1 k:v] SIGUSR1 3");
        berth("rm", "labelled");
    }

    @Test
    void detachedLifecycleWithPsLogsExecStopRm() {
        Cmd.Result run = berth("run", "-d", "--name", "life", "-l", "tier=web", "busybox", "sh", "-c",
                "trap 'exit 143' TERM; echo one; echo two; echo three >&2; sleep 300 & wait");
        assertThat(run.code()).as(run.toString()).isZero();
        String id = run.stdout().trim();
        assertThat(id).hasSize(64);
        awaitLogs("life", "two");
        Cmd.Result table = berth("ps");
        assertThat(table.stdout().lines().findFirst().orElseThrow())
                .matches("CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES");
        assertThat(table.stdout()).contains(id.substring(0, 12)).contains("life");
        assertThat(berth("ps", "-q", "--no-trunc").stdout()).contains(id);
        assertThat(berth("ps", "--format", "{{.Names}} {{.Label \"tier\"}}", "-f", "label=tier=web").stdout())
                .isEqualTo("life web\n");
        assertThat(berth("ps", "--format", "{{json .Names}}", "-f", "name=lif").stdout()).isEqualTo("\"life\"\n");
        assertThat(berth("ps", "--format", "table {{.Names}}", "-f", "ancestor=busybox").stdout())
                .isEqualTo("NAMES\nlife\n");
        Cmd.Result tail = berth("logs", "--tail", "2", "life"); // the last two lines: one per stream
        assertThat(tail.stdout()).isEqualTo("two\n");
        assertThat(tail.stderr()).isEqualTo("three\n");
        Cmd.Result logs = berth("logs", "life");
        assertThat(logs.stdout()).isEqualTo("one\ntwo\n");
        assertThat(logs.stderr()).isEqualTo("three\n");
        assertThat(berth("logs", "-t", "life").stdout()).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z one\n.*");
        Cmd.Result exec = berth("exec", "-e", "X=42", "-w", "/etc", "-u", "nobody", "life", "sh", "-c", "echo $X $(pwd) $(id -un)");
        assertThat(exec.stdout()).as(exec.toString()).isEqualTo("42 /etc nobody\n");
        assertThat(berth("exec", "life", "sh", "-c", "exit 7").code()).isEqualTo(7);
        assertThat(berth("exec", "-d", "life", "touch", "/tmp/from-detached").code()).isZero();
        awaitExec("life", "test -f /tmp/from-detached");
        assertThat(berth("stop", "-t", "5", "life").stdout()).isEqualTo("life\n");
        assertThat(berth("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "life").stdout().trim()).isEqualTo("exited 143");
        assertThat(berth("ps", "-a", "-f", "exited=143", "--format", "{{.Names}}").stdout()).isEqualTo("life\n");
        assertThat(berth("ps", "-a", "-f", "status=exited", "--format", "{{.Names}}").stdout()).contains("life");
        assertThat(berth("ps", "-l", "--format", "{{.Names}}").stdout()).isEqualTo("life\n");
        assertThat(berth("wait", "life").stdout()).isEqualTo("143\n");
        assertThat(berth("rm", "life").stdout()).isEqualTo("life\n");
        Cmd.Result gone = berth("rm", "life");
        assertThat(gone.code()).isNotZero();
        assertThat(gone.stderr()).contains("No such container: life");
    }

    @Test
    void psFiltersByIdOrderAndFormats() {
        for (String n : List.of("order1", "order2", "order3")) {
            assertThat(berth("create", "--name", n, "-l", "set=order", "busybox", "true").code()).isZero();
        }
        String only = "label=set=order";
        assertThat(berth("ps", "-a", "-f", only, "-f", "before=order3", "--format", "{{.Names}}").stdout())
                .isEqualTo("order2\norder1\n");
        assertThat(berth("ps", "-a", "-f", only, "-f", "since=order1", "--format", "{{.Names}}").stdout())
                .isEqualTo("order3\norder2\n");
        String id = berth("inspect", "-f", "{{.Id}}", "order2").stdout().trim();
        assertThat(berth("ps", "-a", "-f", "id=" + id.substring(0, 8), "--format", "{{.Names}}").stdout()).isEqualTo("order2\n");
        assertThat(berth("ps", "-a", "-n", "2", "-f", only, "--format", "{{.Names}}").stdout()).isEqualTo("order3\norder2\n");
        Cmd.Result json = berth("ps", "-a", "-f", "name=order1", "--format", "json");
        assertThat(json.stdout()).startsWith("{\"Command\":\"\\\"true\\\"\"").contains("\"Names\":\"order1\"")
                .contains("\"Labels\":\"set=order\"").contains("\"State\":\"created\"");
        Cmd.Result bad = berth("ps", "-f", "colour=red");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.stderr()).contains("invalid filter 'colour'");
        assertThat(berth("rm", "order1", "order2", "order3").code()).isZero();
    }

    @Test
    void createStartAttachAndKill() {
        assertThat(berth("create", "--name", "later", "busybox", "sh", "-c", "echo started-later").code()).isZero();
        assertThat(berth("ps", "-a", "-f", "status=created", "--format", "{{.Names}}").stdout()).contains("later");
        Cmd.Result start = berth("start", "-a", "later");
        assertThat(start.stdout()).isEqualTo("started-later\n");
        Cmd.Result stdin = Cmd.run(berthCommand("run", "-i", "--rm", "busybox", "sh", "-c", "read x; echo got $x"), "line\n");
        assertThat(stdin.stdout()).isEqualTo("got line\n");
        assertThat(berth("run", "-d", "--name", "victim", "busybox", "sleep", "300").code()).isZero();
        assertThat(berth("kill", "-s", "KILL", "victim").code()).isZero();
        assertThat(berth("wait", "victim").stdout()).isEqualTo("137\n");
        Cmd.Result dup = berth("create", "--name", "victim", "busybox");
        assertThat(dup.code()).isEqualTo(125);
        assertThat(dup.stderr()).contains("The container name \"/victim\" is already in use");
        Cmd.Result prune = berth("container", "prune", "-f", "--filter", "label!=keep");
        assertThat(prune.code()).as(prune.toString()).isZero();
        assertThat(prune.stdout()).contains("Total reclaimed space");
        assertThat(berth("container", "ls", "-a", "--format", "{{.Names}}").stdout()).doesNotContain("victim").doesNotContain("later");
    }

    @Test
    void imagesImportTagInspectRmi() throws Exception {
        Path tar = d.root.resolve("rootfs.tar");
        Cmd.Result make = Cmd.run(List.of("bash", SOURCES.resolve("scripts/busybox-image.sh")
                .toAbsolutePath().toString(), tar.toString()));
        assertThat(make.code()).as(make.toString()).isZero();
        Cmd.Result imp = berth("import", "--change", "CMD [\"echo\", \"imported\"]", "--change", "ENV K=v", tar.toString(), "mine:1");
        assertThat(imp.code()).as(imp.toString()).isZero();
        assertThat(imp.stdout().trim()).startsWith("sha256:");
        assertThat(berth("run", "--rm", "mine:1").stdout()).isEqualTo("imported\n");
        assertThat(berth("tag", "mine:1", "localhost:5000/team/mine:2").code()).isZero();
        Cmd.Result images = berth("images");
        assertThat(images.stdout().lines().findFirst().orElseThrow()).matches("REPOSITORY +TAG +IMAGE ID +CREATED +SIZE");
        assertThat(images.stdout()).contains("localhost:5000/team/mine").contains("busybox");
        assertThat(berth("image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "mine").stdout()).isEqualTo("mine:1\n");
        assertThat(berth("image", "inspect", "-f", "{{.Config.Env}}", "mine:1").stdout()).contains("K=v");
        Cmd.Result stdinImport = Cmd.run(List.of("sh", "-c", String.join(" ", berthCommand("import", "-", "fromstdin")
                .stream().map(a -> "'" + a + "'").toList()) + " < " + tar));
        assertThat(stdinImport.code()).as(stdinImport.toString()).isZero();
        Cmd.Result untag = berth("rmi", "localhost:5000/team/mine:2");
        assertThat(untag.stdout()).isEqualTo("Untagged: localhost:5000/team/mine:2\n");
        assertThat(berth("rmi", "mine:1").stdout()).contains("Untagged: mine:1").contains("Deleted: sha256:");
        assertThat(berth("rmi", "fromstdin").code()).isZero();
        Cmd.Result missing = berth("rmi", "nosuch:tag");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.stderr()).contains("No such image: nosuch:tag");
    }

    @Test
    void versionAndInfo() {
        Cmd.Result v = berth("version", "--format", "{{.Server.APIVersion}}");
        assertThat(v.stdout().trim()).isEqualTo("1.52");
        Cmd.Result table = berth("version");
        assertThat(table.stdout()).contains("Server: berth").containsPattern("(?m)^  Version:\\s+29\\.0\\.0$")
                .containsPattern("(?m)^ berth:\\n  Version:\\s+0\\.1\\.0$");
        Cmd.Result info = berth("info", "--format", "{{.Driver}} {{.DefaultRuntime}}");
        assertThat(info.code()).as(info.toString()).isZero();
        assertThat(info.stdout().trim()).isEqualTo("overlay2 crun");
    }

    /** A distribution's layout under the test's root, with the launcher from scripts/ and an empty lib/cli. */
    private Path distWithLauncher(String name) throws java.io.IOException {
        Path dist = d.root.resolve(name);
        Files.createDirectories(dist.resolve("bin"));
        Files.createDirectories(dist.resolve("lib/cli"));
        Files.copy(SOURCES.resolve("scripts/berth"), dist.resolve("bin/berth"));
        dist.resolve("bin/berth").toFile().setExecutable(true);
        return dist;
    }

    /** The shipped launcher: whatever the JVM has to say about its archives never lands on stdout. */
    @Test
    void launcherKeepsJvmNoticesOffStdout() throws Exception {
        Path dist = distWithLauncher("dist");
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar)) {
                Files.createSymbolicLink(dist.resolve("lib/cli").resolve(jar.getFileName()), jar);
            }
        }
        Files.writeString(dist.resolve("lib/berth.aot"), "not an AOT cache"); // stale or from another JDK
        Cmd.Result v = Cmd.run(List.of(dist.resolve("bin/berth").toString(), "--version"));
        assertThat(v.code()).as(v.toString()).isZero();
        assertThat(v.stdout()).isEqualTo("berth version 0.1.0\n");

        // installed as a chain of symlinks (relative, then absolute), as packagers and users do
        Path elsewhere = Files.createDirectories(d.root.resolve("usr/local/bin"));
        Files.createSymbolicLink(d.root.resolve("berth-abs"), dist.resolve("bin/berth"));
        Files.createSymbolicLink(elsewhere.resolve("berth"), Path.of("../../../berth-abs"));
        Cmd.Result linked = Cmd.run(List.of(elsewhere.resolve("berth").toString(), "--version"));
        assertThat(linked.code()).as(linked.toString()).isZero();
        assertThat(linked.stdout()).isEqualTo("berth version 0.1.0\n");
        Cmd.Result onPath = Cmd.run(List.of("env", "PATH=" + elsewhere + ":/usr/bin:/bin", "berth", "--version"));
        assertThat(onPath.stdout()).as(onPath.toString()).isEqualTo("berth version 0.1.0\n");
    }

    /**
     * make build's runtime for the CLI (scripts/cli-runtime.sh, ADR 0014): linked from this JDK, the
     * launcher runs on it, and the CLI talks to berthd through it, the first unix socket's SecureRandom
     * coming from the entropy provider (the script refuses a runtime where it does not).
     */
    @Test
    void launcherRunsTheCliOnItsLinkedRuntime() throws Exception {
        Path dist = distWithLauncher("linked");
        Path entropy = null;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("berth-cli-runtime-")) {
                entropy = Path.of(entry);
            } else if (name.endsWith(".jar") && (name.startsWith("berth-cli-") || name.startsWith("berth-api-")
                    || name.startsWith("berth-common-"))) {
                Files.createSymbolicLink(dist.resolve("lib/cli").resolve(name), Path.of(entry));
            }
        }
        assertThat(entropy).as("berth-cli-runtime on the test class path").isNotNull();
        try (var jars = Files.list(dist.resolve("lib/cli"))) {
            assertThat(jars).hasSize(3);
        }

        Cmd.Result link = Cmd.run(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
                SOURCES.resolve("scripts/cli-runtime.sh").toString(), dist.toString(), entropy.toString()));
        assertThat(link.code()).as(link.toString()).isZero();
        assertThat(link.stdout()).contains("linked the CLI's runtime (java.base,dev.berth.entropy;");
        assertThat(dist.resolve("runtime/bin/java")).isExecutable();
        assertThat(dist.resolve("runtime.tmp")).doesNotExist();
        assertThat(Files.readString(dist.resolve("runtime/conf/security/java.security")))
                .contains("\nsecurity.provider.1=BerthURandom\nsecurity.provider.2=SUN\n").doesNotContain("\n#");

        String berth = dist.resolve("bin/berth").toString();
        Cmd.Result hello = Cmd.run(List.of("env", "JDK_JAVA_OPTIONS=-XshowSettings:properties", berth, "-H", d.host,
                "run", "--rm", "busybox", "echo", "hello from the linked runtime"));
        assertThat(hello.code()).as(hello.toString()).isZero();
        assertThat(hello.stdout()).isEqualTo("hello from the linked runtime\n");
        assertThat(hello.stderr()).contains("java.home = " + dist.resolve("runtime"));
        Cmd.Result ps = Cmd.run(List.of(berth, "-H", d.host, "ps", "-a", "--format", "{{.Names}}"));
        assertThat(ps.code()).as(ps.toString()).isZero();
    }

    /** {@code run -it}, typing into it through tmux, ctrl-p ctrl-q to detach, attach again, exit. */
    @Test
    void interactiveSessionThroughTmux() throws Exception {
        String session = "berth-it-" + ProcessHandle.current().pid();
        Tmux tmux = new Tmux(session);
        try {
            tmux.start(berthCommand("run", "-it", "--name", "tty1", "busybox", "sh"));
            tmux.awaitScreen("/ #"); // capture-pane drops trailing blanks
            tmux.type("echo hello-$((6*7))");
            tmux.awaitScreen("hello-42");
            tmux.keys("C-p", "C-q");
            tmux.awaitExit(0);
            tmux.kill();
            assertThat(berth("inspect", "-f", "{{.State.Status}}", "tty1").stdout().trim()).isEqualTo("running");

            tmux.start(berthCommand("attach", "tty1"));
            tmux.keys("Enter");
            tmux.type("echo again-$((1+1)) $(tty)");
            tmux.awaitScreen("again-2 /dev/pts/0");
            tmux.type("exit 4");
            tmux.awaitExit(4); // attach ends with the container's exit code
            assertThat(berth("wait", "tty1").stdout()).isEqualTo("4\n");
        } finally {
            tmux.kill();
            berth("rm", "-f", "tty1");
        }
    }

    private void awaitLogs(String container, String text) {
        for (int i = 0; i < 100 && !berth("logs", container).stdout().contains(text); i++) {
            DaemonFixture.sleep(100);
        }
    }

    private void awaitExec(String container, String test) {
        for (int i = 0; i < 50; i++) {
            if (berth("exec", container, "sh", "-c", test).code() == 0) {
                return;
            }
            DaemonFixture.sleep(100);
        }
        assertThat(berth("exec", container, "sh", "-c", test).code()).as(test).isZero();
    }

    /**
     * One tmux session at a time, each on its own private server socket (a server that is still
     * shutting down refuses a new session); the pane stays after its command ends.
     */
    private static final class Tmux {
        private final String name;
        private final List<String> sockets = new ArrayList<>();
        private String socket;
        private final String session;

        Tmux(String name) {
            this.name = name;
            this.session = name;
        }

        void start(List<String> command) {
            socket = name + "-" + sockets.size();
            sockets.add(socket);
            List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "new-session", "-d", "-s", session, "-x", "120", "-y", "30"));
            cmd.add(String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList())
                    + "; echo berth-exited-$?; sleep 600");
            Cmd.Result r = Cmd.run(cmd);
            assertThat(r.code()).as(r.toString()).isZero();
        }

        void type(String line) {
            Cmd.run(List.of("tmux", "-L", socket, "send-keys", "-t", session, "-l", line));
            keys("Enter");
        }

        void keys(String... keys) {
            for (String k : keys) {
                Cmd.run(List.of("tmux", "-L", socket, "send-keys", "-t", session, k));
            }
        }

        String screen() {
            return Cmd.run(List.of("tmux", "-L", socket, "capture-pane", "-p", "-t", session)).stdout();
        }

        void awaitScreen(String text) {
            for (int i = 0; i < 100 && !screen().contains(text); i++) {
                DaemonFixture.sleep(100);
            }
            assertThat(screen()).as("tmux screen").contains(text);
        }

        /** The berth process ended (detached or exited) and the shell printed its exit code. */
        void awaitExit(int code) {
            awaitScreen("berth-exited-");
            assertThat(screen()).contains("berth-exited-" + code);
        }

        void kill() {
            for (String s : sockets) {
                Cmd.run(List.of("tmux", "-L", s, "kill-server"));
            }
        }
    }
}
