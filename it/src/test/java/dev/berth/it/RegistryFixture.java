package dev.berth.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (Distribution 2.8) on 127.0.0.1 and a free port, storing under a temp
 * directory, optionally with TLS (a certificate from a CA made here with openssl), htpasswd basic
 * auth, or token auth against a realm the test serves. {@link #close} kills it and deletes
 * everything.
 */
final class RegistryFixture implements AutoCloseable {
    /** A registry host name that only a berthd given a hosts file resolves (to 127.0.0.1). */
    static final String TEST_NAME = "registry.berth-test.invalid";
    final Path dir;
    final Path storage;
    final int port;
    final String host;
    private final String auth;
    private final boolean tls;
    private Process process;

    /** A CA and a server certificate for 127.0.0.1 under {@code dir}: ca.crt, server.crt, server.key. */
    static void makeCertificates(Path dir) throws IOException {
        Files.createDirectories(dir);
        // also a name: tests that must not count as loopback reach 127.0.0.1 under it (jdk.net.hosts.file)
        Files.writeString(dir.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:" + TEST_NAME + "\nbasicConstraints=CA:FALSE\n");
        makeCa(dir.resolve("ca"), "berth test CA");
        makeSigned(dir.resolve("ca"), dir.resolve("server.key"), dir.resolve("server.crt"), "127.0.0.1", dir.resolve("ext"));
    }

    /** {@code <base>.key} and the self-signed {@code <base>.crt} of a CA. */
    private static void makeCa(Path base, String cn) throws IOException {
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", base + ".key", "-out", base + ".crt", "-days", "2", "-subj", "/CN=" + cn);
    }

    /** A key and a certificate the CA at {@code ca} ({@code <ca>.crt}, {@code <ca>.key}) signed; {@code ext} may be null. */
    private static void makeSigned(Path ca, Path key, Path cert, String cn, Path ext) throws IOException {
        Path csr = cert.resolveSibling(cert.getFileName() + ".csr");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
        List<String> sign = new java.util.ArrayList<>(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca + ".crt",
                "-CAkey", ca + ".key", "-CAcreateserial", "-out", cert.toString(), "-days", "2"));
        if (ext != null) {
            sign.addAll(List.of("-extfile", ext.toString()));
        }
        run(sign.toArray(String[]::new));
    }

    /** Pushes, with skopeo, a one-layer amd64 image holding {@code files} as {@code repoTag} ("repo:tag"). */
    void pushImage(Path layout, String repoTag, java.util.Map<String, String> files) throws Exception {
        pushImage(layout, repoTag, files, null);
    }

    /** The same, skopeo presenting the client certificate in {@code certDir} (certs.d layout). */
    void pushImage(Path layout, String repoTag, java.util.Map<String, String> files, Path certDir) throws Exception {
        TestImages.Image img = TestImages.image(layout, "amd64", List.of(TestImages.gzip(TestImages.tar(files))));
        String tag = repoTag.substring(repoTag.lastIndexOf(':') + 1);
        TestImages.index(layout, tag, "application/vnd.oci.image.manifest.v1+json", img.manifest());
        List<String> cmd = new java.util.ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (certDir != null) {
            cmd.addAll(List.of("--dest-cert-dir", certDir.toString()));
        }
        cmd.addAll(List.of("oci:" + layout + ":" + tag, "docker://" + host + "/" + repoTag));
        run(cmd.toArray(String[]::new));
    }

    /** A registry test's teardown: its daemon, then its registry, then its temp tree, each even if one before failed. */
    static void tearDown(DaemonFixture d, RegistryFixture reg, Path tmp) throws Exception {
        try {
            if (d != null) d.close();
        } finally {
            if (reg != null) reg.close();
            if (tmp != null) Cmd.run(List.of("rm", "-rf", tmp.toString()));
        }
    }

    /**
     * A client CA ({@code client-ca.crt}) in {@code certs}, so that a registry made with them wants
     * client certificates, and one client certificate it signed: {@code <out>/client.cert} and {@code client.key}.
     */
    static void makeClientCertificate(Path certs, Path out) throws IOException {
        Files.createDirectories(out);
        makeCa(certs.resolve("client-ca"), "berth test client CA");
        makeSigned(certs.resolve("client-ca"), out.resolve("client.key"), out.resolve("client.cert"), "berth test client", null);
    }

    static void run(String... cmd) throws IOException {
        Cmd.Result r = Cmd.run(List.of(cmd));
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * @param certs directory with server.crt/server.key, or null for plain HTTP
     * @param authYaml the {@code auth:} section (indented two spaces under it), or "" for none
     * @param storage shared storage directory, or null for a fresh one
     */
    RegistryFixture(Path parent, Path certs, String authYaml, Path storage) throws IOException {
        dir = Files.createTempDirectory(parent, "registry-");
        this.storage = storage != null ? storage : Files.createDirectories(dir.resolve("storage"));
        port = freePort();
        host = "127.0.0.1:" + port;
        tls = certs != null;
        auth = authYaml;
        String yaml = "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: "
                + this.storage + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:" + port + "\n  secret: berth-test\n"
                + (tls ? "  tls:\n    certificate: " + certs.resolve("server.crt") + "\n    key: " + certs.resolve("server.key") + "\n" : "")
                // mutual TLS: with a client-ca.crt next to the server's certificate, clients must present one it signed
                + (tls && Files.exists(certs.resolve("client-ca.crt")) ? "    clientcas:\n      - " + certs.resolve("client-ca.crt") + "\n" : "")
                + (auth.isEmpty() ? "" : "auth:\n" + auth);
        Files.writeString(dir.resolve("config.yml"), yaml);
        start();
    }

    void start() throws IOException {
        process = new ProcessBuilder("docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                DaemonFixture.sleep(50);
            }
        }
        throw new IOException("docker-registry did not listen");
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** The data file of a blob in the registry's storage. */
    Path blobData(String digest) {
        String hex = digest.substring(7);
        return storage.resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    @Override
    public void close() throws Exception {
        stop();
        Cmd.run(List.of("rm", "-rf", dir.toString()));
    }
}
