package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.registry.Credentials;
import dev.berth.registry.RegistryClient;
import dev.berth.registry.RegistryConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A blob checked but not yet stored: readable from its partial file, in the content store only after commit. */
class BlobDownloadTest {
    @TempDir
    Path dir;
    private HttpServer registry;
    private final byte[] blob = new byte[300_000];
    private volatile byte[] served;

    @BeforeEach
    void serve() throws IOException {
        new Random(7).nextBytes(blob);
        served = blob;
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/v2/", exchange -> {
            byte[] body = exchange.getRequestURI().getPath().contains("/blobs/") ? served : new byte[0];
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
    }

    @AfterEach
    void stop() {
        registry.stop(0);
    }

    private BlobDownload download(Digest digest, Path target) throws IOException {
        String host = "127.0.0.1:" + registry.getAddress().getPort();
        // the plain-HTTP endpoint itself: an insecure registry is tried over TLS first, which this server never answers
        RegistryClient client = RegistryClient.connect(RegistryConfig.defaults(),
                new RegistryClient.Endpoint(URI.create("http://" + host), false, false), host, "team/app",
                Credentials.ANONYMOUS, List.of("pull"), List.of());
        return new BlobDownload(client, digest, blob.length, dir.resolve("partial"), target, 1, n -> { },
                (attempt, delay, cause) -> { });
    }

    @Test
    void verifiedBlobIsReadableAtOnceAndStoredOnlyWhenCommitted() throws IOException {
        Digest digest = Digest.sha256(blob);
        Path target = Files.createDirectories(dir.resolve("sha256")).resolve(digest.hex());
        BlobDownload.Verified verified;
        try (BlobDownload dl = download(digest, target)) {
            verified = dl.drainVerified();
        }
        assertThat(target).doesNotExist();
        assertThat(Files.readAllBytes(verified.path())).isEqualTo(blob); // what the unpacker reads meanwhile

        verified.commit();
        assertThat(Files.readAllBytes(target)).isEqualTo(blob);
        assertThat(verified.path()).doesNotExist();
        verified.commit(); // once: a second call changes nothing
        assertThat(target).exists();
    }

    @Test
    void blobWithAnotherDigestIsNeitherStoredNorKept() throws IOException {
        Digest digest = Digest.sha256(blob);
        byte[] corrupt = blob.clone();
        corrupt[corrupt.length / 2] ^= 0x55;
        served = corrupt;
        Path target = Files.createDirectories(dir.resolve("sha256")).resolve(digest.hex());
        try (BlobDownload dl = download(digest, target)) {
            assertThatThrownBy(dl::drainVerified).isInstanceOf(EngineException.class)
                    .hasMessageContaining("verification failed for digest " + digest);
        }
        assertThat(target).doesNotExist();
        assertThat(dir.resolve("partial").resolve(digest.hex())).doesNotExist();
    }
}
