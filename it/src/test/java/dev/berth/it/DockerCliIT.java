package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Real containers driven by the real docker CLI against berthd: isolation seen from inside,
 * copy-on-write, exit codes, stream separation, stop timeouts, bad input.
 */
class DockerCliIT extends SharedDaemon {
    @Test
    void versionAndPing() {
        Cmd.Result r = d.docker("version", "--format", "{{.Server.APIVersion}} {{.Server.Version}}");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout().trim()).isEqualTo("1.52 29.0.0");
        // berth's own version is a component, as dockerd lists containerd's and runc's
        Cmd.Result table = d.docker("version");
        assertThat(table.stdout()).contains("Server: berth").containsPattern("(?m)^ berth:\\n  Version:\\s+0\\.1\\.0$");
    }

    /** berth has no networks or named volumes yet: their prunes delete nothing, in Docker's words. */
    @Test
    void networkAndVolumePrunesDeleteNothing() {
        Cmd.Result networks = d.docker("network", "prune", "-f");
        assertThat(networks.code()).as(networks.toString()).isZero();
        assertThat(networks.stdout()).isBlank();
        Cmd.Result volumes = d.docker("volume", "prune", "-f");
        assertThat(volumes.code()).as(volumes.toString()).isZero();
        assertThat(volumes.stdout().trim()).isEqualTo("Total reclaimed space: 0B");
        Cmd.Result bad = d.docker("network", "prune", "-f", "--filter", "colour=red");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.stderr().trim()).isEqualTo("Error response from daemon: invalid filter 'colour'");
    }

    @Test
    void runEchoesAndRemoves() {
        Cmd.Result r = d.docker("run", "--rm", "--name", "echo1", "busybox", "echo", "hi");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(d.docker("ps", "-a", "--format", "{{.Names}}").stdout()).doesNotContain("echo1");
    }

    @Test
    void isolationSeenFromInside() throws Exception {
        Cmd.Result r = d.docker("run", "--rm", "-h", "inside", "busybox", "sh", "-c",
                "echo pid=$$; echo host=$(hostname);"
                        + " for n in pid mnt uts ipc net; do echo ns=$(readlink /proc/self/ns/$n); done;"
                        + " echo cgroup=$(grep -m1 memory /proc/self/cgroup);"
                        + " echo root=$(awk '$5 == \"/\" {print $9}' /proc/self/mountinfo);"
                        + " echo inet=$(ip addr | grep -c 'inet ');"
                        + " echo procs=$(ps -o pid | tail -n +2 | wc -l)");
        assertThat(r.code()).as(r.toString()).isZero();
        java.util.Map<String, List<String>> seen = new java.util.HashMap<>();
        r.stdout().lines().map(l -> l.split("=", 2))
                .forEach(kv -> seen.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(kv[1]));
        assertThat(seen.get("pid")).containsExactly("1");
        assertThat(seen.get("host")).containsExactly("inside");
        assertThat(seen.get("ns")).hasSize(5);
        for (String ns : seen.get("ns")) {
            String type = ns.substring(0, ns.indexOf(':'));
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns/" + type)).toString();
            assertThat(ns).as("namespace " + type).isNotEqualTo(host);
        }
        assertThat(seen.get("cgroup").getFirst()).as("memory cgroup path").contains("/berth/");
        assertThat(seen.get("root")).as("root filesystem").containsExactly("overlay");
        assertThat(seen.get("inet")).as("only loopback").containsExactly("1");
        // sh, ps, tail, wc (and the subshell): nothing of the host's
        assertThat(Integer.parseInt(seen.get("procs").getFirst())).isBetween(2, 6);
    }

    @Test
    void seccompAppliedLikeDocker() throws Exception {
        String status = "grep Seccomp: /proc/self/status";
        assertThat(d.docker("run", "--rm", "busybox", "sh", "-c", status).stdout()).isEqualTo("Seccomp:\t2\n");
        assertThat(d.docker("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "sh", "-c", status).stdout())
                .isEqualTo("Seccomp:\t0\n");
        assertThat(d.docker("run", "--rm", "--privileged", "busybox", "sh", "-c", status).stdout()).isEqualTo("Seccomp:\t0\n");
        // a profile of one's own, which the docker CLI reads and sends inline
        Path profile = d.root.resolve("no-mkdir.json");
        Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
                + "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}");
        Cmd.Result denied = d.docker("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox", "mkdir", "/x");
        assertThat(denied.code()).isEqualTo(1);
        assertThat(denied.stderr()).contains("Operation not permitted");
        Files.writeString(profile, "{not json");
        Cmd.Result bad = d.docker("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox", "true");
        assertThat(bad.code()).isEqualTo(125);
    }

    /** The id a successful create or run -d prints. */
    private String containerId(String... dockerArgs) {
        Cmd.Result r = d.docker(dockerArgs);
        assertThat(r.code()).as(r.toString()).isZero();
        return r.stdout().strip();
    }

    /** /etc/hosts and friends are written without fsync: a crash may lose them, start rebuilds them. */
    @Test
    void etcFilesLostInACrashAreRebuiltAtStart() throws Exception {
        String id = containerId("create", "--name", "etcfiles", "busybox", "cat", "/etc/hostname", "/etc/hosts");
        try {
            Path dir = d.dataRoot.resolve("containers").resolve(id);
            Files.delete(dir.resolve("hostname"));
            Files.write(dir.resolve("hosts"), new byte[0]); // what a power loss can leave of an unsynced file
            Cmd.Result start = d.docker("start", "-a", "etcfiles");
            assertThat(start.code()).as(start.toString()).isZero();
            assertThat(start.stdout()).startsWith(id.substring(0, 12) + "\n").contains("127.0.0.1\tlocalhost");
        } finally {
            d.docker("rm", "-f", "etcfiles");
        }
    }

    /**
     * berthd compiles the seccomp profile once and hands crun the program in an annotation; the
     * program must be exactly the one crun compiles itself from the same profile.
     */
    @Test
    void precompiledSeccompIsTheProgramCrunWouldBuild() throws Exception {
        String id = containerId("run", "-d", "--name", "bpfcheck", "busybox", "sleep", "60");
        try {
            Path bundle = d.dataRoot.resolve("containers").resolve(id);
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(Files.readString(bundle.resolve("config.json")));
            String annotation = "run.oci.seccomp_bpf_data";
            byte[] ours = Base64.getDecoder().decode(config.path("annotations").path(annotation).asString());
            assertThat(ours).as("a program of whole BPF instructions").isNotEmpty().hasSize(ours.length / 8 * 8);
            assertThat(Files.readAllBytes(d.execRoot.resolve("runtime/crun").resolve(id).resolve("seccomp.bpf")))
                    .as("the program crun loaded").isEqualTo(ours);

            // crun compiling the same profile (no annotation) into a bundle of its own
            Path own = d.root.resolve("bpf-bundle");
            Files.createDirectories(own.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), own.resolve("rootfs/bin/sleep"));
            ((ObjectNode) config.get("annotations")).remove(annotation);
            ((ObjectNode) config.get("root")).put("path", own.resolve("rootfs").toString());
            ((ObjectNode) config.get("linux")).put("cgroupsPath", "/berth/" + id + "-bpfcheck");
            Files.writeString(own.resolve("config.json"), config.toString());
            Path state = d.root.resolve("bpf-state");
            String ownId = "bpfcheck-" + id.substring(0, 12);
            Process create = new ProcessBuilder("crun", "--root=" + state, "create", "--bundle", own.toString(), ownId)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                assertThat(create.waitFor()).isZero();
                assertThat(Files.readAllBytes(state.resolve(ownId).resolve("seccomp.bpf"))).isEqualTo(ours);
            } finally {
                new ProcessBuilder("crun", "--root=" + state, "delete", "--force", ownId).start().waitFor();
            }
        } finally {
            d.docker("rm", "-f", "bpfcheck");
        }
    }

    @Test
    void layersOfAForceRemovedImageLiveUntilItsLastContainerGoes() throws Exception {
        Path rootfs = d.root.resolve("gc-rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Path tar = d.root.resolve("gc.tar");
        assertThat(Cmd.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".")).code()).isZero();
        long before = countDirs("layers");
        assertThat(d.docker("import", tar.toString(), "gcme:1").code()).isZero();
        assertThat(countDirs("layers")).isEqualTo(before + 1);
        assertThat(d.docker("create", "--name", "gcuser", "gcme:1", "sh", "-c", "echo alive").code()).isZero();
        Cmd.Result refused = d.docker("rmi", "gcme:1");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.stderr()).contains("container").contains("is using its referenced image");
        assertThat(d.docker("rmi", "-f", "gcme:1").code()).isZero();
        assertThat(d.docker("images", "-q", "gcme").stdout()).isBlank();
        assertThat(countDirs("layers")).as("kept for the container").isEqualTo(before + 1);
        Cmd.Result start = d.docker("start", "-a", "gcuser");
        assertThat(start.stdout()).as(start.toString()).isEqualTo("alive\n");
        assertThat(d.docker("rm", "gcuser").code()).isZero();
        assertThat(countDirs("layers")).as("collected with the last container").isEqualTo(before);
    }

    private long countDirs(String under) throws Exception {
        try (var s = Files.list(d.dataRoot.resolve(under))) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void copyOnWriteIsPerContainer() {
        assertThat(d.docker("run", "--name", "cow1", "busybox", "sh", "-c", "echo one > /etc/marker; rm /bin/ls").code()).isZero();
        Cmd.Result other = d.docker("run", "--rm", "busybox", "sh", "-c", "cat /etc/marker; ls / >/dev/null && echo ls-present");
        assertThat(other.stdout()).doesNotContain("one").contains("ls-present");
        Cmd.Result diffSeen = d.docker("start", "-a", "cow1");
        assertThat(diffSeen.code()).isNotZero(); // rm /bin/ls fails the second time: the first write persisted in cow1
        d.docker("rm", "-f", "cow1");
    }

    @Test
    void exitCodesAndStreams() {
        assertThat(d.docker("run", "--rm", "busybox", "sh", "-c", "exit 3").code()).isEqualTo(3);
        Cmd.Result r = d.docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2");
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        Cmd.Result missing = d.docker("run", "--rm", "busybox", "no-such-command");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(127);
        assertThat(missing.stderr()).contains("executable file not found");
    }

    @Test
    void detachedLogsExecStopRemove() {
        Cmd.Result run = d.docker("run", "-d", "--name", "web1", "busybox", "sh", "-c",
                "trap 'exit 143' TERM; echo started; echo warn >&2; sleep 300 & wait");
        assertThat(run.code()).as(run.toString()).isZero();
        String id = run.stdout().trim();
        assertThat(id).hasSize(64);
        Cmd.Result ps = d.docker("ps", "--format", "{{.ID}} {{.Names}} {{.Status}}");
        assertThat(ps.stdout()).contains(id.substring(0, 12) + " web1 Up");
        awaitLogs("web1", "started");
        Cmd.Result logs = d.docker("logs", "web1");
        assertThat(logs.stdout()).isEqualTo("started\n");
        assertThat(logs.stderr()).isEqualTo("warn\n");
        Cmd.Result exec = d.docker("exec", "web1", "sh", "-c", "echo $$ ; cat /proc/1/cmdline | tr '\\0' ' '");
        assertThat(exec.code()).as(exec.toString()).isZero();
        assertThat(exec.stdout()).contains("trap 'exit 143' TERM"); // PID 1 is the container's command
        assertThat(d.docker("exec", "web1", "sh", "-c", "exit 7").code()).isEqualTo(7);
        Cmd.Result stop = d.docker("stop", "web1");
        assertThat(stop.code()).as(stop.toString()).isZero();
        Cmd.Result state = d.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "web1");
        assertThat(state.stdout().trim()).isEqualTo("exited 143");
        assertThat(d.docker("rm", "web1").code()).isZero();
        assertThat(d.docker("inspect", "web1").code()).isNotZero();
    }

    @Test
    void stopKillsAfterTimeoutWhenTermIsIgnored() {
        Cmd.Result run = d.docker("run", "-d", "--name", "stubborn", "busybox", "sh", "-c", "trap '' TERM; while true; do sleep 1; done");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(d.docker("stop", "-t", "1", "stubborn").code()).isZero();
        assertThat(d.docker("inspect", "-f", "{{.State.ExitCode}}", "stubborn").stdout().trim()).isEqualTo("137");
        d.docker("rm", "stubborn");
    }

    @Test
    void forcedRemovalSeesTheKilledContainersExit() throws Exception {
        assertThat(d.docker("run", "-d", "--name", "rmf1", "busybox", "sleep", "300").code()).isZero();
        assertThat(d.docker("run", "-d", "--name", "rmf2", "busybox", "sleep", "300").code()).isZero();
        Cmd.Result rm = d.docker("rm", "-f", "rmf1", "rmf2");
        assertThat(rm.code()).as(rm.toString()).isZero();
        assertThat(rm.stdout()).isEqualTo("rmf1\nrmf2\n");
        // the exit conmon reports is what ends the wait, not the fallback after a timeout
        assertThat(d.log()).doesNotContain("did not report its exit");
        assertThat(d.docker("ps", "-a", "--format", "{{.Names}}").stdout()).doesNotContain("rmf");
    }

    @Test
    void stdinIsForwarded() {
        Cmd.Result r = d.dockerStdin("hello stdin\n", "run", "--rm", "-i", "busybox", "cat");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("hello stdin\n");
    }

    @Test
    void badInputGivesOneClearError() throws Exception {
        // --pull never: the CLI must not fall back to pulling from Docker Hub (no internet in tests)
        Cmd.Result noImage = d.docker("run", "--pull", "never", "--rm", "nosuchimage:1.0", "true");
        assertThat(noImage.code()).isEqualTo(125);
        assertThat(noImage.stderr()).contains("No such image: nosuchimage:1.0");
        Cmd.Result noContainer = d.docker("stop", "nosuchcontainer");
        assertThat(noContainer.code()).isNotZero();
        assertThat(noContainer.stderr()).contains("No such container: nosuchcontainer");
        assertThat(d.docker("create", "--name", "dup", "busybox").code()).isZero();
        Cmd.Result dup = d.docker("create", "--name", "dup", "busybox");
        assertThat(dup.code()).isNotZero();
        assertThat(dup.stderr()).contains("The container name \"/dup\" is already in use by container");
        d.docker("rm", "dup");
        // the docker CLI checks references itself, so ask the API directly
        Cmd.Result badRef = api("POST", "/v1.44/containers/create", "{\"Image\":\"Bad:Ref::\"}");
        assertThat(badRef.stdout()).contains("invalid reference format").endsWith(" 400");
        Cmd.Result badMemory = api("POST", "/v1.44/containers/create", "{\"Image\":\"busybox\",\"HostConfig\":{\"Memory\":-5}}");
        assertThat(badMemory.stdout()).endsWith(" 400");
        Cmd.Result badName = api("POST", "/v1.44/containers/create?name=a/b", "{\"Image\":\"busybox\"}");
        assertThat(badName.stdout()).contains("Invalid container name (a/b)").endsWith(" 400");
        long before = countContainerDirs();
        Cmd.Result failed = d.docker("run", "--name", "failstart", "busybox", "/nope");
        assertThat(failed.code()).isEqualTo(127);
        assertThat(failed.stderr()).contains("executable file not found");
        String failedId = d.docker("inspect", "-f", "{{.Id}}", "failstart").stdout().trim();
        assertThat(failedId).hasSize(64);
        d.docker("rm", "failstart");
        assertThat(countContainerDirs()).isEqualTo(before);
        try (var cgroups = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            assertThat(cgroups.filter(p -> p.getFileName().toString().equals(failedId))).isEmpty();
        }
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(d.root.toString())))
                .isEmpty();
    }

    private Cmd.Result api(String method, String path, String json) {
        return Cmd.run(List.of("curl", "-s", "--unix-socket", d.socket.toString(), "-X", method, "-H",
                "Content-Type: application/json", "-d", json, "-w", " %{http_code}", "http://x" + path));
    }

    @Test
    void runcRuntimeWorksToo() {
        Cmd.Result r = d.docker("run", "--rm", "--runtime", "runc", "busybox", "sh", "-c", "echo $$; hostname");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("1\n");
    }

    @Test
    void imagesListed() {
        Cmd.Result r = d.docker("images", "--format", "{{.Repository}}:{{.Tag}}");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("busybox:latest");
    }

    private long countContainerDirs() throws Exception {
        Path dir = d.dataRoot.resolve("containers");
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return s.count();
        }
    }

    private void awaitLogs(String name, String text) {
        for (int i = 0; i < 100; i++) {
            if (d.docker("logs", name).stdout().contains(text)) {
                return;
            }
            DaemonFixture.sleep(50);
        }
    }
}
