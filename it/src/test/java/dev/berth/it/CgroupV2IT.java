package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * berthd on a cgroup v2 only host. This machine's cgroups are hybrid (the controllers are bound to
 * v1 hierarchies), so the test shows berthd a pure v2 layout the only way a test can: the kernel's
 * v2 hierarchy mounted alone on /sys/fs/cgroup in berthd's own mount namespace. Controllers stay
 * with v1 here, so this covers what v2 changes for a container (detection, the cgroup namespace,
 * where its cgroup lives and that it goes), not limits. The runtime is runc: crun installs its v2
 * device filter only after raising RLIMIT_MEMLOCK, which needs CAP_SYS_RESOURCE, and this machine's
 * bounding set lacks it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CgroupV2IT {
    private static final String V2_ONLY = "umount -l /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup";
    private DaemonFixture d;

    @BeforeAll
    void start() throws Exception {
        sweepV2();
        d = new DaemonFixture("runc", new DaemonFixture.MountNamespace(V2_ONLY));
    }

    @AfterAll
    void stop() throws Exception {
        if (d != null) {
            d.close();
        }
        sweepV2();
    }

    @Test
    void containersRunInTheirOwnV2CgroupAndLeaveNone() throws Exception {
        assertThat(d.docker("info", "--format", "{{.CgroupVersion}}").stdout().trim()).isEqualTo("2");

        Cmd.Result run = d.docker("run", "-d", "busybox", "sleep", "300");
        assertThat(run.code()).as(run.toString()).isZero();
        String id = run.stdout().trim();
        Cmd.Result inside = d.docker("exec", id, "sh", "-c", "grep '^0::' /proc/self/cgroup; readlink /proc/1/ns/cgroup");
        assertThat(inside.code()).as(inside.toString()).isZero();
        List<String> lines = inside.stdout().lines().toList();
        assertThat(lines.getFirst()).as("a cgroup namespace rooted at the container's cgroup").isEqualTo("0::/");
        assertThat(lines.get(1)).startsWith("cgroup:[").isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/cgroup")).toString());

        String pid = d.docker("inspect", "-f", "{{.State.Pid}}", id).stdout().trim();
        Path cgroup = Path.of("/sys/fs/cgroup/berth", id);
        Cmd.Result procs = inDaemonNamespace("cat", cgroup.resolve("cgroup.procs").toString());
        assertThat(procs.code()).as(procs.toString()).isZero();
        assertThat(procs.stdout().lines()).contains(pid);
        assertThat(inDaemonNamespace("cat", "/proc/" + pid + "/cgroup").stdout()).contains("0::/berth/" + id);

        assertThat(d.docker("rm", "-f", id).code()).isZero();
        assertThat(inDaemonNamespace("test", "-e", cgroup.toString()).code()).as("cgroup removed with the container").isNotZero();

        Path cidfile = d.root.resolve("once.cid");
        Cmd.Result once = d.docker("run", "--rm", "--cidfile", cidfile.toString(), "busybox", "sh", "-c", "grep -c '^0::/$' /proc/self/cgroup");
        assertThat(once.code()).as(once.toString()).isZero();
        assertThat(once.stdout().trim()).isEqualTo("1");
        assertThat(cgroupLeft(cidfile)).as("no container cgroup left").isFalse();
    }

    /**
     * A create the runtime gives up midway must not leave the container's cgroup behind. On this
     * machine crun fails in v2 mode (see the class comment) after making the cgroup, which is what
     * this exercises; where crun works, the container runs and its cgroup goes with --rm.
     */
    @Test
    void aFailedCreateLeavesNoCgroup() throws Exception {
        Path cid = d.root.resolve("crun.cid");
        Cmd.Result run = d.docker("run", "--rm", "--cidfile", cid.toString(), "--runtime", "crun", "busybox", "true");
        assertThat(cgroupLeft(cid)).as("no container cgroup left after: " + run).isFalse();
        Path missingCid = d.root.resolve("missing.cid");
        Cmd.Result missing = d.docker("run", "--rm", "--cidfile", missingCid.toString(), "busybox", "/no/such/program");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(127);
        assertThat(cgroupLeft(missingCid)).as("no container cgroup left after: " + missing).isFalse();
    }

    /**
     * Whether the cgroup of the container whose id the docker CLI wrote to {@code cidfile} is still
     * under berth's v2 parent. Only that container's: the v2 hierarchy is the host's, shared with
     * every other berthd on the machine, whose containers come and go meanwhile.
     */
    private boolean cgroupLeft(Path cidfile) throws Exception {
        String id = Files.readString(cidfile).trim();
        assertThat(id).hasSize(64);
        return inDaemonNamespace("test", "-e", "/sys/fs/cgroup/berth/" + id).code() == 0;
    }

    /** A command in berthd's mount namespace, where /sys/fs/cgroup is the v2 hierarchy. */
    private Cmd.Result inDaemonNamespace(String... cmd) {
        List<String> argv = new java.util.ArrayList<>(List.of("nsenter", "-t", Long.toString(d.daemonPid()), "-m", "--"));
        argv.addAll(List.of(cmd));
        return Cmd.run(argv);
    }

    /**
     * Empty container cgroups that a run which died midway left in the v2 hierarchy (the host does
     * not mount it, so DaemonFixture's sweep cannot see them).
     */
    private static void sweepV2() {
        Cmd.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "d=$(mktemp -d) && mount -t cgroup2 cgroup2 $d && for c in $d/berth/*/; do rmdir $c 2>/dev/null; done; umount $d; rmdir $d"));
    }
}
