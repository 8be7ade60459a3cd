package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A create spawns the container's conmon, which waits on its start pipe; the first start lets that
 * very conmon run the runtime (so its start-up is off the start's path). A waiting conmon never
 * outlives its use: removal, rename and a daemon stop kill it.
 */
class WarmConmonIT extends SharedDaemon {
    @Test
    void theFirstStartUsesTheConmonItsCreateSpawned() {
        String id = created("busybox", "sleep", "60");
        ProcessHandle waiting = awaitConmon(id).orElseThrow(() -> new AssertionError("no conmon waits for " + id));

        Cmd.Result start = d.docker("start", id);
        assertThat(start.code()).as(start.toString()).isZero();
        // the waiting conmon forked the container's monitor and exited: had the start spawned
        // another, it would still wait on its start pipe
        assertThat(waiting.isAlive()).as("the conmon spawned at create").isFalse();
        assertThat(DaemonFixture.conmons(id)).as("one monitor for the running container").hasSize(1);
        assertThat(d.docker("exec", id, "hostname").stdout().trim()).isEqualTo(id.substring(0, 12));

        // a restart is not a first start: it spawns a conmon of its own, and none is left over
        assertThat(d.docker("restart", "-t", "0", id).code()).isZero();
        assertThat(d.docker("inspect", "-f", "{{.State.Running}}", id).stdout().trim()).isEqualTo("true");
        assertThat(awaitConmons(id, 1)).hasSize(1);
        assertThat(d.docker("rm", "-f", id).code()).isZero();
        assertThat(awaitConmons(id, 0)).isEmpty();
    }

    @Test
    void removingACreatedContainerKillsItsWaitingConmon() {
        String id = created("busybox", "true");
        assertThat(awaitConmon(id)).isPresent();
        assertThat(d.docker("rm", id).code()).isZero();
        assertThat(awaitConmons(id, 0)).as("conmon of a removed container").isEmpty();
    }

    @Test
    void aRenamedContainerStartsUnderItsNewName() {
        String id = created("busybox", "sleep", "60");
        assertThat(awaitConmon(id)).isPresent();
        assertThat(d.docker("rename", id, "renamed-before-start").code()).isZero();
        assertThat(awaitConmons(id, 0)).as("it was given the old name").isEmpty();
        assertThat(d.docker("start", id).code()).isZero();
        List<ProcessHandle> monitors = DaemonFixture.conmons(id);
        assertThat(monitors).hasSize(1);
        assertThat(monitors.getFirst().info().commandLine().orElse("")).contains("-n renamed-before-start");
        assertThat(d.docker("rm", "-f", id).code()).isZero();
    }

    @Test
    void aStoppingDaemonKillsTheConmonsThatWait() throws Exception {
        String id = created("busybox", "echo", "started after the restart");
        ProcessHandle waiting = awaitConmon(id).orElseThrow();
        d.stopDaemon();
        assertThat(waiting.isAlive()).as("a waiting conmon outliving berthd").isFalse();
        d.start();
        Cmd.Result started = d.docker("start", "-a", id);
        assertThat(started.code()).as(started.toString()).isZero();
        assertThat(started.stdout()).contains("started after the restart");
        assertThat(d.docker("rm", id).code()).isZero();
    }

    /**
     * conmon fsyncs a container's log before it writes the exit file: an auto-remove container's
     * log goes with it, so its conmon is told not to (the exit is reported without waiting for the
     * disk); any other keeps its synced log.
     */
    @Test
    void onlyContainersThatKeepTheirLogHaveItSyncedAtExit() {
        Cmd.Result kept = d.docker("run", "-d", "--network", "none", "busybox", "sleep", "60");
        Cmd.Result removed = d.docker("run", "-d", "--rm", "--network", "none", "busybox", "sleep", "60");
        assertThat(kept.code()).as(kept.toString()).isZero();
        assertThat(removed.code()).as(removed.toString()).isZero();
        String keptId = kept.stdout().trim();
        String removedId = removed.stdout().trim();
        try {
            assertThat(awaitConmons(keptId, 1)).singleElement()
                    .satisfies(p -> assertThat(p.info().commandLine().orElse("")).contains("-l k8s-file:").doesNotContain("--no-sync-log"));
            assertThat(awaitConmons(removedId, 1)).singleElement()
                    .satisfies(p -> assertThat(p.info().commandLine().orElse("")).contains("-l k8s-file:").contains("--no-sync-log"));
            Cmd.Result logs = d.docker("logs", removedId);
            assertThat(logs.code()).as(logs.toString()).isZero(); // still readable while it runs
        } finally {
            assertThat(d.docker("rm", "-f", keptId, removedId).code()).isZero();
        }
    }

    private String created(String... command) {
        List<String> args = new ArrayList<>(List.of("create", "--network", "none"));
        args.addAll(List.of(command));
        Cmd.Result r = d.docker(args.toArray(String[]::new));
        assertThat(r.code()).as(r.toString()).isZero();
        return r.stdout().trim();
    }

    private static Optional<ProcessHandle> awaitConmon(String id) {
        for (int i = 0; i < 100; i++) {
            List<ProcessHandle> found = DaemonFixture.conmons(id);
            if (!found.isEmpty()) {
                return Optional.of(found.getFirst());
            }
            DaemonFixture.sleep(50);
        }
        return Optional.empty();
    }

    /** The conmons of a container once there are {@code n} (a monitor exits just after its container). */
    private static List<ProcessHandle> awaitConmons(String id, int n) {
        List<ProcessHandle> found = DaemonFixture.conmons(id);
        for (int i = 0; i < 100 && found.size() != n; i++) {
            DaemonFixture.sleep(50);
            found = DaemonFixture.conmons(id);
        }
        return found;
    }
}
