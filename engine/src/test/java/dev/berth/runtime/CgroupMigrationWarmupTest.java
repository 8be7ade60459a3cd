package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupMigrationWarmupTest {
    static final List<String> HYBRID_MOUNTS = List.of(
            "30 25 0:26 / /sys/fs/cgroup rw,relatime shared:9 - tmpfs tmpfs rw,mode=755",
            "31 30 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct",
            "32 30 0:28 / /sys/fs/cgroup/pids rw,relatime shared:11 - cgroup cgroup rw,pids",
            "33 30 0:29 / /sys/fs/cgroup/unified rw,relatime shared:12 - cgroup2 cgroup2 rw",
            "40 25 0:40 / /proc rw,relatime - proc proc rw");

    @Test
    void prefersTheV2HierarchyAndFallsBackToAV1ControllerTheMountLists() {
        List<String> self = List.of("5:pids:/system.slice/berthd.service", "4:cpu,cpuacct:/system.slice/berthd.service",
                "0::/system.slice/berthd.service");
        assertThat(CgroupMigrationWarmup.ownProcsFile(self, HYBRID_MOUNTS))
                .contains(Path.of("/sys/fs/cgroup/unified/system.slice/berthd.service/cgroup.procs"));
        assertThat(CgroupMigrationWarmup.ownProcsFile(self.subList(0, 2), HYBRID_MOUNTS))
                .contains(Path.of("/sys/fs/cgroup/pids/system.slice/berthd.service/cgroup.procs"));
        // a combined hierarchy matches only when the mount lists each of its controllers
        assertThat(CgroupMigrationWarmup.ownProcsFile(List.of("4:cpu,cpuacct:/a"), HYBRID_MOUNTS))
                .contains(Path.of("/sys/fs/cgroup/cpu,cpuacct/a/cgroup.procs"));
        assertThat(CgroupMigrationWarmup.ownProcsFile(List.of("7:memory:/a"), HYBRID_MOUNTS)).isEmpty();
    }

    @Test
    void pureV2HostAndRootCgroup() {
        List<String> mounts = List.of("28 23 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate");
        assertThat(CgroupMigrationWarmup.ownProcsFile(List.of("0::/"), mounts)).contains(Path.of("/sys/fs/cgroup/cgroup.procs"));
        assertThat(CgroupMigrationWarmup.ownProcsFile(List.of("0::/"), List.of())).isEmpty();
    }

    @Test
    void writesOnlyWhileTheProcessIsStillInTheCgroupsItStartedIn(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path procs = Files.writeString(dir.resolve("cgroup.procs"), "");
        List<String> start = List.of("0::/system.slice/berthd.service");
        List<List<String>> now = new java.util.ArrayList<>(List.of(List.of("0::/elsewhere")));
        CgroupMigrationWarmup w = new CgroupMigrationWarmup(procs, 4242, start, () -> now.getFirst());
        w.writeOnce();
        assertThat(Files.readString(procs)).as("moved since: no write").isEmpty();
        now.set(0, start);
        w.writeOnce();
        assertThat(Files.readString(procs)).isEqualTo("4242");
    }

    /** On this host, for real: the file found is this process's own, and the write moves it nowhere. */
    @Test
    void theWarmUpWritesOurPidIntoTheCgroupWeAreAlreadyIn() throws Exception {
        CgroupMigrationWarmup w = CgroupMigrationWarmup.forThisProcess();
        assumeThat(w.procsFile()).as("a mounted cgroup hierarchy").isPresent();
        Path procs = w.procsFile().orElseThrow();
        String pid = Long.toString(ProcessHandle.current().pid());
        assertThat(Files.readAllLines(procs)).contains(pid);
        List<String> before = Files.readAllLines(Path.of("/proc/self/cgroup"));
        w.writeOnce();
        assertThat(Files.readAllLines(Path.of("/proc/self/cgroup"))).isEqualTo(before);
        assertThat(Files.readAllLines(procs)).contains(pid);
    }
}
