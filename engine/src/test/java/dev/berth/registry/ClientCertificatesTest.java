package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys as openssl writes them (openssl is on every machine berth builds on). */
class ClientCertificatesTest {
    @TempDir
    Path dir;

    private Path openssl(String out, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(log).isZero();
        return dir.resolve(out);
    }

    @Test
    void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
        Path pkcs8 = openssl("p8.key", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p8.key");
        Path rsa = openssl("rsa.key", "genrsa", "-traditional", "-out", "rsa.key", "2048");
        Path sec1 = openssl("ec.key", "ecparam", "-name", "secp384r1", "-genkey", "-out", "ec.key"); // EC PARAMETERS first
        Path ed = openssl("ed.key", "genpkey", "-algorithm", "ed25519", "-out", "ed.key");
        assertThat(Files.readString(rsa)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(sec1)).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertThat(ClientCertificates.privateKey(pkcs8).getAlgorithm()).isEqualTo("EC");
        assertThat(ClientCertificates.privateKey(rsa).getAlgorithm()).isEqualTo("RSA");
        assertThat(ClientCertificates.privateKey(sec1).getAlgorithm()).isEqualTo("EC");
        assertThat(ClientCertificates.privateKey(ed).getAlgorithm()).isIn("Ed25519", "EdDSA");
    }

    @Test
    void pairsByNameAndNamesTheFileMissingItsHalf() throws Exception {
        assertThat(ClientCertificates.in(dir.resolve("absent"))).isNull();
        openssl("c.key", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "c.key", "-out", "c.cert", "-days", "1", "-subj", "/CN=client");
        assertThat(ClientCertificates.in(dir)).isNotEmpty();
        Files.move(dir.resolve("c.key"), dir.resolve("other.key"));
        assertThatThrownBy(() -> ClientCertificates.in(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("c.cert").hasMessageContaining("missing");
        Files.delete(dir.resolve("c.cert"));
        assertThatThrownBy(() -> ClientCertificates.in(dir)).isInstanceOf(IOException.class)
                .hasMessage("missing client certificate other.cert for key " + dir.resolve("other.key"));
    }
}
