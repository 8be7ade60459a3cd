package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BlobStream against the JDK's own HTTP server: framing, redirects, and when it steps aside. */
class BlobStreamTest {
    private final byte[] blob = new byte[200_000];
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer registry;
    private HttpServer cdn;

    @BeforeEach
    void start() throws Exception {
        new Random(1).nextBytes(blob);
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/length", x -> send(x, 200, blob.length));
        registry.createContext("/chunked", x -> send(x, 200, 0)); // length 0: the server sends it chunked
        registry.createContext("/range", x -> {
            x.getResponseHeaders().add("Content-Range", "bytes 100-" + (blob.length - 1) + "/" + blob.length);
            send(x, 206, blob.length - 100);
        });
        registry.createContext("/redirect", x -> {
            seen.add("registry " + x.getRequestHeaders().getFirst("Authorization"));
            x.getResponseHeaders().add("Location", "http://" + host(cdn) + "/cdn");
            x.sendResponseHeaders(307, -1);
            x.close();
        });
        registry.createContext("/denied", x -> {
            x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=x");
            x.sendResponseHeaders(401, -1);
            x.close();
        });
        cdn.createContext("/cdn", x -> {
            seen.add("cdn " + x.getRequestHeaders().getFirst("Authorization"));
            send(x, 200, blob.length);
        });
        registry.start();
        cdn.start();
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        cdn.stop(0);
    }

    private void send(HttpExchange x, int status, long length) throws java.io.IOException {
        byte[] body = status == 206 ? java.util.Arrays.copyOfRange(blob, 100, blob.length) : blob;
        x.sendResponseHeaders(status, length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static String host(HttpServer s) {
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private Optional<BlobStream.Response> get(String path) throws Exception {
        return BlobStream.get(URI.create("http://" + host(registry) + path),
                Map.of("Authorization", "Bearer secret", "User-Agent", "test"), SSLContext.getDefault(),
                Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    private static byte[] body(Optional<BlobStream.Response> r) throws Exception {
        try (InputStream in = r.orElseThrow().body()) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsBodiesFramedByLengthOrChunks() throws Exception {
        Optional<BlobStream.Response> r = get("/length");
        assertThat(r.orElseThrow().status()).isEqualTo(200);
        assertThat(r.orElseThrow().headers().firstValueAsLong("content-length")).hasValue(blob.length);
        assertThat(body(r)).isEqualTo(blob);
        Optional<BlobStream.Response> c = get("/chunked");
        assertThat(c.orElseThrow().headers().firstValue("Transfer-Encoding")).hasValue("chunked");
        assertThat(body(c)).isEqualTo(blob);
    }

    @Test
    void passesPartialContentOnWithItsRange() throws Exception {
        Optional<BlobStream.Response> r = get("/range");
        assertThat(r.orElseThrow().status()).isEqualTo(206);
        assertThat(r.orElseThrow().headers().firstValue("Content-Range")).hasValue("bytes 100-199999/200000");
        assertThat(body(r)).isEqualTo(java.util.Arrays.copyOfRange(blob, 100, blob.length));
    }

    @Test
    void followsARedirectWithoutTheRegistrysCredentials() throws Exception {
        assertThat(body(get("/redirect"))).isEqualTo(blob);
        assertThat(seen).containsExactly("registry Bearer secret", "cdn null");
    }

    @Test
    void stepsAsideForAnythingButABody() throws Exception {
        assertThat(get("/denied")).as("401: the HTTP client authenticates").isEmpty();
        assertThat(get("/missing")).as("404: the HTTP client reports it").isEmpty();
        registry.stop(0);
        assertThat(get("/length")).as("connection refused").isEmpty();
    }
}
