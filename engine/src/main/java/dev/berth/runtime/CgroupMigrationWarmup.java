package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes the kernel's cgroup migration lock once, to no effect, just before the runtime moves a
 * container's process into its cgroup, so that the runtime's move does not wait for it.
 *
 * <p>A write to {@code cgroup.procs} takes {@code cgroup_threadgroup_rwsem} for writing. Unless the
 * hierarchies are mounted {@code favordynmods}, the first writer after a quiet spell waits for an
 * RCU grace period (rcu_sync), and writers that follow within about a grace period do not: here
 * 7–15 ms for the first move, 0.1–0.2 ms for one right after it. At every start, crun's join of the
 * new container's cgroup was that first writer (perf trace: a 4-byte write to cgroup.procs taking
 * 12.9 ms of a 78 ms start). Writing berthd's own pid into the cgroup it is already in takes the
 * same (global) lock and moves nothing; started when a start begins, its wait runs while the bundle
 * is made and conmon and crun start up, and crun's write then finds the lock warm.
 */
public final class CgroupMigrationWarmup {
    private static final Path SELF_CGROUP = Path.of("/proc/self/cgroup");
    private final Path procs;
    private final String pid;
    /** /proc/self/cgroup when procs was chosen: if berthd has been moved since, it must not be moved back. */
    private final List<String> cgroupAtStart;
    private final Supplier<List<String>> currentCgroup;
    private final AtomicBoolean inFlight = new AtomicBoolean();

    CgroupMigrationWarmup(Path procs, long pid, List<String> cgroupAtStart, Supplier<List<String>> currentCgroup) {
        this.procs = procs;
        this.pid = Long.toString(pid);
        this.cgroupAtStart = List.copyOf(cgroupAtStart);
        this.currentCgroup = currentCgroup;
    }

    /** For berthd itself: its own cgroup.procs in one mounted hierarchy; does nothing if none is found. */
    public static CgroupMigrationWarmup forThisProcess() {
        long pid = ProcessHandle.current().pid();
        Path procs = null;
        List<String> self = List.of();
        try {
            self = Files.readAllLines(SELF_CGROUP);
            procs = ownProcsFile(self, CgroupMounts.mountinfo()).orElse(null);
            // a cgroup namespace whose paths do not match the mounts would name another cgroup:
            // writing there would move berthd, so only a file that lists berthd already will do
            if (procs != null && !Files.readAllLines(procs).contains(Long.toString(pid))) {
                System.err.println("berthd: no cgroup warm-up: " + procs + " does not list berthd");
                procs = null;
            }
        } catch (IOException e) {
            System.err.println("berthd: no cgroup warm-up: " + e.getMessage());
            procs = null;
        }
        return new CgroupMigrationWarmup(procs, pid, self, CgroupMigrationWarmup::readSelfCgroup);
    }

    private static List<String> readSelfCgroup() {
        try {
            return Files.readAllLines(SELF_CGROUP);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The file written, if any. */
    public Optional<Path> procsFile() {
        return Optional.ofNullable(procs);
    }

    /**
     * Starts the no-op migration on a thread of its own and returns at once; a warm-up still in
     * flight makes this one unnecessary (the runtime's write shares its wait).
     */
    public void warm() {
        if (procs == null || !inFlight.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().daemon().name("cgroup-warmup").start(() -> {
            try {
                writeOnce();
            } finally {
                inFlight.set(false);
            }
        });
    }

    /** The migration itself, on the caller's thread; a failure only means no warm-up. */
    void writeOnce() {
        if (!currentCgroup.get().equals(cgroupAtStart)) {
            return; // berthd was moved since its start: no warm-up rather than a move back
        }
        try {
            Files.writeString(procs, pid);
        } catch (IOException e) {
            // read-only cgroupfs, a cgroup namespace that hides our own: the runtime waits as before
        }
    }

    /**
     * berthd's cgroup.procs from /proc/self/cgroup ("id:controllers:path") and mountinfo: the v2
     * hierarchy's when it is mounted, else the first v1 hierarchy whose controllers the mount lists.
     * Any hierarchy serves: the lock is one for all of them.
     */
    static Optional<Path> ownProcsFile(List<String> selfCgroup, List<String> mountinfo) {
        List<CgroupMounts.Mount> mounts = CgroupMounts.parse(mountinfo);
        Path v1 = null;
        for (String line : selfCgroup) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || !f[2].startsWith("/")) {
                continue;
            }
            String relative = f[2].substring(1);
            for (CgroupMounts.Mount m : mounts) {
                if (f[1].isEmpty() && m.v2()) {
                    return Optional.of(m.point().resolve(relative).resolve("cgroup.procs").normalize());
                }
                if (v1 == null && !f[1].isEmpty() && !m.v2() && m.superOptions().containsAll(List.of(f[1].split(",")))) {
                    v1 = m.point().resolve(relative).resolve("cgroup.procs").normalize();
                }
            }
        }
        return Optional.ofNullable(v1);
    }
}
