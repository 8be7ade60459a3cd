package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Testcontainers 2.0.5 against berthd: its start-up checks (API 1.44 pinned, the engine version,
 * info), a GenericContainer started with a log wait strategy, exec and logs inside it, its removal
 * at stop and its network prune at exit. It runs in a JVM of its own, because Testcontainers takes
 * its daemon from the environment: DOCKER_HOST, Ryuk disabled (its image is not on this machine),
 * and TESTCONTAINERS_HOST_OVERRIDE=localhost, since this machine has a /.dockerenv and would
 * otherwise be asked for the bridge network's gateway, which berth does not have yet.
 */
class TestcontainersIT extends SharedDaemon {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void genericContainerStartsExecsLogsAndIsRemoved() {
        Cmd.Result r = Cmd.run(List.of("env", "DOCKER_HOST=unix://" + d.socket, "TESTCONTAINERS_RYUK_DISABLED=true",
                "TESTCONTAINERS_HOST_OVERRIDE=localhost", JAVA, "-cp", System.getProperty("java.class.path"),
                Session.class.getName()));
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.stderr()).as(r.toString()).doesNotContain("Exception");
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).as(r.toString()).contains("api 1.52", "running true", "logs ready");
        String id = lines.stream().filter(l -> l.startsWith("id ")).findFirst().orElseThrow().substring(3);
        assertThat(lines).as("exec sees the container's own hostname").contains("hostname " + id.substring(0, 12));
        assertThat(d.docker("ps", "-aq", "--filter", "label=org.testcontainers=true").stdout())
                .as("Testcontainers removed its container at stop").isBlank();
    }

    /** The Testcontainers side: prints what it saw, one fact a line. */
    public static final class Session {
        public static void main(String[] args) throws Exception {
            System.out.println("api " + DockerClientFactory.instance().getActiveApiVersion());
            try (GenericContainer<?> c = new GenericContainer<>("busybox:latest")
                    .withCommand("sh", "-c", "echo ready; exec sleep 60")
                    .waitingFor(Wait.forLogMessage("ready\\n", 1))) {
                c.start();
                System.out.println("id " + c.getContainerId());
                System.out.println("running " + c.isRunning());
                System.out.println("hostname " + c.execInContainer("hostname").getStdout().strip());
                System.out.println("logs " + c.getLogs().strip());
            }
        }
    }
}
