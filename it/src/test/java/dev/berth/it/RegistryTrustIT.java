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
    private Path certsD;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-trust-it-");
        Path certs = tmp.resolve("certs");
        RegistryFixture.makeCertificates(certs);
        reg = new RegistryFixture(tmp, certs, "", null);
        reg.pushImage(tmp.resolve("layout"), "trust:v1", Map.of("hello", "trust"));
        // certs.d exists but holds no CA for this registry
        certsD = Files.createDirectories(tmp.resolve("certs.d"));
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

    /** Mutual TLS: certs.d/<host>/*.cert with its *.key is presented to a registry that requires it. */
    @Test
    void clientCertificatesFromCertsD() throws Exception {
        Path certs = tmp.resolve("mtls");
        RegistryFixture.makeCertificates(certs);
        Path client = tmp.resolve("client");
        RegistryFixture.makeClientCertificate(certs, client);
        try (RegistryFixture mtls = new RegistryFixture(tmp, certs, "", null)) {
            mtls.pushImage(tmp.resolve("layout-mtls"), "mtls:v1", Map.of("hello", "mutual"), client);
            String mname = RegistryFixture.TEST_NAME + ":" + mtls.port;
            Path hostCerts = Files.createDirectories(certsD.resolve(mname));
            Files.copy(certs.resolve("ca.crt"), hostCerts.resolve("ca.crt"));

            Cmd.Result denied = d.docker("pull", mname + "/mtls:v1");
            assertThat(denied.code()).as(denied.toString()).isEqualTo(1);
            assertThat(denied.stderr().strip().lines()).as(denied.toString()).hasSize(1);
            // TLS 1.3: the refusal may come as the server's alert ("remote error: tls: bad certificate")
            // or, if the client finished its handshake first, as a closed connection
            assertThat(denied.stderr()).startsWith("Error response from daemon: Get \"https://" + mname + "/v2/\": ");

            Files.copy(client.resolve("client.cert"), hostCerts.resolve("client.cert"));
            Files.copy(client.resolve("client.key"), hostCerts.resolve("client.key"));
            Cmd.Result pull = d.docker("pull", mname + "/mtls:v1");
            assertThat(pull.code()).as(pull.toString()).isZero();
            assertThat(d.docker("tag", mname + "/mtls:v1", mname + "/copy:v2").code()).isZero();
            Cmd.Result push = d.docker("push", mname + "/copy:v2");
            assertThat(push.code()).as(push.toString()).isZero();
            assertThat(push.stdout()).contains("v2: digest: sha256:");

            Files.delete(hostCerts.resolve("client.key"));
            Cmd.Result halfPair = d.docker("pull", mname + "/copy:v2");
            assertThat(halfPair.code()).as(halfPair.toString()).isEqualTo(1);
            assertThat(halfPair.stderr()).contains("missing key client.key for client certificate")
                    .contains(hostCerts.resolve("client.cert").toString());
        }
    }
}
