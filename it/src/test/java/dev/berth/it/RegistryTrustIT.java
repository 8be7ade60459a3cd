package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A TLS registry whose CA berthd does not know: Docker refuses it (x509: certificate signed by
 * unknown authority, HTTP 500 from the Engine API) unless the registry is listed in
 * insecure-registries, which skips verification. Registries on loopback count as insecure (as in
 * Docker), so berthd reaches this one under a name that its JVM resolves from a hosts file to
 * 127.0.0.1: no DNS query leaves the machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryTrustIT {
    private Path tmp;
    private RegistryFixture reg;
    private DaemonFixture d;
    private String ref;
    private String name;
    private List<String> hostsFile;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-trust-it-");
        Path certs = tmp.resolve("certs");
        RegistryFixture.makeCertificates(certs);
        reg = new RegistryFixture(tmp, certs, "", null);
        reg.pushImage(tmp.resolve("layout"), "trust:v1", Map.of("hello", "trust"));
        // certs.d exists but holds no CA for this registry
        Path certsD = Files.createDirectories(tmp.resolve("certs.d"));
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 " + RegistryFixture.TEST_NAME + "\n");
        hostsFile = List.of("-Djdk.net.hosts.file=" + hosts);
        name = RegistryFixture.TEST_NAME + ":" + reg.port;
        ref = name + "/trust:v1";
        d = new DaemonFixture("crun", "{\"certs-dir\": \"" + certsD + "\"}", hostsFile);
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, reg, tmp);
    }

    @Test
    void unknownAuthorityIsRefusedWithDockersWords() throws Exception {
        Cmd.Result pull = d.docker("pull", ref);
        assertThat(pull.code()).as(pull.toString()).isEqualTo(1);
        assertThat(pull.stderr()).as(pull.toString()).contains("Error response from daemon:")
                .contains(name).contains("x509: certificate signed by unknown authority");
        assertThat(pull.stderr().strip().lines()).as("one line").hasSize(1);

        var api = new java.net.URI("http://localhost/images/create?fromImage=" + ref.replace(":v1", "") + "&tag=v1");
        Cmd.Result curl = Cmd.run(List.of("curl", "-s", "-o", "/dev/stderr", "-w", "%{http_code}", "--unix-socket",
                d.socket.toString(), "-X", "POST", api.toString()));
        assertThat(curl.stdout()).as(curl.toString()).isEqualTo("500");
        assertThat(curl.stderr()).contains("\"message\"").contains("x509: certificate signed by unknown authority");
        assertThat(d.docker("images", "-q", name + "/trust").stdout()).isBlank();
    }

    @Test
    void insecureRegistriesSkipVerification() throws Exception {
        try (DaemonFixture insecure = new DaemonFixture("crun", "{\"insecure-registries\": [\"" + name + "\"]}", hostsFile)) {
            Cmd.Result pull = insecure.docker("pull", ref);
            assertThat(pull.code()).as(pull.toString()).isZero();
            assertThat(insecure.docker("image", "inspect", "-f", "{{len .RootFS.Layers}}", ref).stdout().trim()).isEqualTo("1");
        }
    }
}
