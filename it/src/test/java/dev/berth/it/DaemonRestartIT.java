package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * berthd stopped with SIGTERM leaves its containers running under conmon; the next berthd re-adopts
 * them: a running container stays running and logging, one that exited while no daemon ran gets
 * its real exit code, and a later exit is still recorded.
 */
class DaemonRestartIT extends SharedDaemon {
    @Test
    void containersSurviveAndAreReadopted() throws Exception {
        Cmd.Result ticker = d.docker("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
                "i=0; while [ ! -f /tmp/stop ]; do echo tick$i; i=$((i+1)); sleep 0.2; done; exit 42");
        assertThat(ticker.code()).as(ticker.toString()).isZero();
        String tickerId = ticker.stdout().trim();
        Cmd.Result shortLived = d.docker("run", "-d", "--name", "brief", "busybox", "sh", "-c",
                "while [ ! -f /tmp/go ]; do sleep 0.1; done; exit 5");
        assertThat(shortLived.code()).as(shortLived.toString()).isZero();
        String briefId = shortLived.stdout().trim();
        awaitLogLine("ticker", "tick1");

        d.stopDaemon();
        assertThat(Files.exists(d.socket)).as("socket removed at shutdown").isFalse();
        // the container processes outlive the daemon
        assertThat(containerProcessAlive(tickerId)).isTrue();
        // let "brief" exit while no daemon runs: write its trigger file through the rootfs
        Path merged = d.dataRoot.resolve("containers").resolve(briefId).resolve("merged");
        Files.writeString(merged.resolve("tmp/go"), "");
        Path exitFile = d.execRoot.resolve("exits").resolve(briefId);
        for (int i = 0; i < 100 && !Files.exists(exitFile); i++) {
            DaemonFixture.sleep(100);
        }
        assertThat(exitFile).as("conmon recorded the exit while berthd was down").exists();

        Instant restartedAt = Instant.now();
        d.start();
        Cmd.Result ps = d.docker("ps", "--format", "{{.Names}} {{.Status}}");
        assertThat(ps.stdout()).contains("ticker Up").doesNotContain("brief");
        assertThat(d.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "brief").stdout().trim())
                .isEqualTo("exited 5");
        // when it exited, not when the next berthd noticed
        Instant finished = Instant.parse(d.docker("inspect", "-f", "{{.State.FinishedAt}}", "brief").stdout().trim());
        assertThat(finished).isBefore(restartedAt)
                .isAfter(Instant.parse(d.docker("inspect", "-f", "{{.State.StartedAt}}", "brief").stdout().trim()));
        // logs go on: a line written after the restart appears
        int seen = countTicks(d.docker("logs", "ticker").stdout());
        awaitLogLine("ticker", "tick" + (seen + 2));

        assertThat(d.docker("exec", "ticker", "touch", "/tmp/stop").code()).isZero();
        Cmd.Result wait = d.docker("wait", "ticker");
        assertThat(wait.stdout().trim()).isEqualTo("42");
        assertThat(d.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "ticker").stdout().trim())
                .isEqualTo("exited 42");
        assertThat(containerProcessAlive(tickerId)).isFalse();
    }

    /**
     * Removal replies before the runtime's delete and the files (see ContainerService.removeRecord):
     * what a crash then leaves, a container directory and an exit file without a record, goes at
     * the next start; so does an auto-remove container that exited while no daemon ran, as dockerd
     * removes it.
     */
    @Test
    void leftoversWithoutARecordAndExitedAutoRemoveContainersGoAtStart() throws Exception {
        Cmd.Result run = d.docker("run", "-d", "--rm", "--name", "autoremove", "busybox", "sh", "-c",
                "while [ ! -f /tmp/go ]; do sleep 0.1; done");
        assertThat(run.code()).as(run.toString()).isZero();
        String id = run.stdout().trim();
        Path merged = d.dataRoot.resolve("containers").resolve(id).resolve("merged");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).as("--rm rootfs mounted volatile")
                .containsPattern(java.util.regex.Pattern.quote(merged.toString()) + " .*volatile");

        d.stopDaemon();
        String orphan = "0123456789ab".repeat(5) + "cdef";
        Path orphanDir = d.dataRoot.resolve("containers").resolve(orphan);
        Files.createDirectories(orphanDir.resolve("upper").resolve("etc"));
        Files.writeString(orphanDir.resolve("upper").resolve("etc").resolve("leftover"), "x");
        Path orphanExit = d.execRoot.resolve("exits").resolve(orphan);
        Files.writeString(orphanExit, "0");
        Files.writeString(merged.resolve("tmp/go"), "");
        Path exitFile = d.execRoot.resolve("exits").resolve(id);
        for (int i = 0; i < 100 && !Files.exists(exitFile); i++) {
            DaemonFixture.sleep(100);
        }
        assertThat(exitFile).as("conmon recorded the exit while berthd was down").exists();

        d.start();
        assertThat(orphanDir).as("a container directory without a record").doesNotExist();
        assertThat(orphanExit).as("an exit file without a record").doesNotExist();
        assertThat(d.docker("ps", "-a", "--format", "{{.Names}}").stdout()).doesNotContain("autoremove");
        assertThat(d.dataRoot.resolve("containers").resolve(id)).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(id);
    }

    private static boolean containerProcessAlive(String id) {
        return !DaemonFixture.conmons(id).isEmpty();
    }

    private static int countTicks(String logs) {
        return (int) logs.lines().filter(l -> l.startsWith("tick")).count();
    }

    private void awaitLogLine(String container, String line) {
        for (int i = 0; i < 150; i++) {
            if (d.docker("logs", container).stdout().lines().anyMatch(line::equals)) {
                return;
            }
            DaemonFixture.sleep(100);
        }
        assertThat(d.docker("logs", container).stdout()).as("logs of " + container).contains(line + "\n");
    }
}
