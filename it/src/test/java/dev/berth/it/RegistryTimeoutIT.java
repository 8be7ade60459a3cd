package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Registries that go silent (daemon.json registry-read-timeout, here 2 s): one that accepts and
 * never answers fails the pull with Go's words and leaves nothing; one that stops mid-blob with the
 * connection open counts as a failed attempt, and the pull resumes with a Range request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryTimeoutIT {
    private Path tmp;
    private RegistryFixture reg;
    private DaemonFixture d;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-timeout-it-");
        reg = new RegistryFixture(tmp, null, "", null);
        byte[] noise = new byte[600_000];
        new java.util.Random(7).nextBytes(noise);
        reg.pushImage(tmp.resolve("layout"), "slow:v1", Map.of("noise", java.util.Base64.getEncoder().encodeToString(noise)));
        d = new DaemonFixture("crun", "{\"registry-read-timeout\": 2, \"registry-connect-timeout\": 2, \"max-download-attempts\": 3}");
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, reg, tmp);
    }

    @Test
    void aRegistryThatNeverAnswersFailsThePullAndLeavesNothing() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(silent.accept()); // and never a byte back
                } catch (java.io.IOException closed) {
                    // test over
                }
            });
            String ref = "127.0.0.1:" + silent.getLocalPort() + "/mute:v1";
            Cmd.Result pull = d.docker("pull", ref);
            assertThat(pull.code()).as(pull.toString()).isEqualTo(1);
            assertThat(pull.stderr().strip()).as(pull.toString()).startsWith("Error response from daemon: Get \"http")
                    .contains("127.0.0.1:" + silent.getLocalPort() + "/v2/")
                    .endsWith("net/http: request canceled (Client.Timeout exceeded while awaiting headers)");
            silent.close();
            acceptor.join();
        } finally {
            for (Socket s : accepted) s.close();
        }
        assertThat(d.docker("version", "--format", "{{.Server.Version}}").code()).as("berthd still answers").isZero();
        assertThat(d.docker("images", "-q", "127.0.0.1:*/mute").stdout()).isBlank();
    }

    @Test
    void aBlobThatStallsMidwayIsResumedAfterTheReadTimeout() throws Exception {
        try (BlobProxy proxy = new BlobProxy(reg.host)) {
            proxy.stalls.set(1);
            Cmd.Result pull = d.docker("pull", proxy.host() + "/slow:v1");
            assertThat(pull.code()).as(pull.toString()).isZero();
            assertThat(proxy.blobRequests).as("a second request, for the rest").anyMatch(r -> r.contains("range=bytes=")
                    && !r.contains("range=bytes=0-"));
            assertThat(d.docker("image", "inspect", "-f", "{{len .RootFS.Layers}}", proxy.host() + "/slow:v1").stdout().trim())
                    .isEqualTo("1");
            assertThat(proxy.stalls.get()).as("the first answer did stall").isZero();
        }
    }
}
