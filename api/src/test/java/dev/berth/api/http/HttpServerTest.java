package dev.berth.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.common.EngineException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import dev.berth.common.json.JsonNode;

@Timeout(30)
class HttpServerTest {
    @TempDir
    Path dir;

    private Path socket;
    private HttpServer server;
    private HttpClient client;
    private final Router router = new Router();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch wroteAhead = new CountDownLatch(1);
    private static final int AHEAD = 768 << 10;

    @BeforeEach
    void start() {
        router.post("/echo", ex -> ex.respondJson(201, ex.bodyJson(Map.class)))
                .get("/version", ex -> ex.respondJson(200, Map.of("ApiVersion", ex.apiVersion())))
                .get("/images/{name*}/json", ex -> ex.respondJson(200, Map.of("name", ex.pathParam("name"))))
                .delete("/images/{name*}", ex -> ex.respondJson(200, Map.of("deleted", ex.pathParam("name"))))
                .get("/containers/{id}/json", ex -> ex.respondJson(200, Map.of("id", ex.pathParam("id"),
                        "all", ex.queryAll("a"), "b", ex.queryBool("b", false), "n", ex.queryInt("n", 7))))
                .get("/missing", ex -> { throw EngineException.notFound("No such container: %s", "web"); })
                .get("/bug", ex -> { throw new IllegalStateException("kaput"); })
                .head("/_ping", ex -> ex.respondBytes(200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8)))
                .get("/_ping", ex -> ex.respondBytes(200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8)))
                .post("/upload", ex -> {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    long n = 0;
                    byte[] buf = new byte[8192];
                    InputStream in = ex.body();
                    for (int r; (r = in.read(buf)) > 0; n += r) {
                        md.update(buf, 0, r);
                    }
                    ex.respondJson(200, Map.of("length", n, "sha256", HexFormat.of().formatHex(md.digest())));
                })
                .post("/ignore-body", ex -> ex.respond(204))
                .get("/stream", ex -> {
                    OutputStream out = ex.respondStream(200, "application/json");
                    out.write("{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    release.await();
                    out.write("{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
                    out.close();
                })
                .get("/stream-ahead", ex -> {
                    OutputStream out = ex.respondStream(200, "application/octet-stream");
                    byte[] piece = new byte[64 << 10];
                    for (int n = 0; n < AHEAD; n += piece.length) {
                        out.write(piece);
                    }
                    wroteAhead.countDown();
                    out.close();
                })
                .get("/stream-fails", ex -> {
                    OutputStream out = ex.respondStream(200, "text/plain");
                    out.write("partial".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    throw new IllegalStateException("expected failure after the stream began (test)");
                })
                .post("/attach", ex -> {
                    try (Hijacked h = ex.hijack("application/vnd.docker.raw-stream")) {
                        byte[] buf = new byte[1024];
                        for (int r; (r = h.in().read(buf)) > 0; ) {
                            h.out().write(new String(buf, 0, r, StandardCharsets.UTF_8)
                                    .toUpperCase().getBytes(StandardCharsets.UTF_8));
                        }
                        h.out().write("<eof>".getBytes(StandardCharsets.UTF_8));
                        h.closeOutput();
                    }
                });
        router.post("/duplex", ex -> {
            try (Hijacked h = ex.hijack("application/vnd.docker.multiplexed-stream")) {
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        byte[] got = h.in().readAllBytes(); // blocked while the handler writes below
                        h.out().write(("got " + new String(got, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                        h.closeOutput();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                Thread.sleep(100);
                h.out().write("ready;".getBytes(StandardCharsets.UTF_8));
                reader.join();
            }
        });
        socket = dir.resolve("run/berth.sock");
        server = new HttpServer(router);
        server.listenUnix(socket, 0660);
        client = HttpClient.of("unix://" + socket);
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(socket).doesNotExist();
    }

    @Test
    void preconnectedConnectionCarriesTheFirstRequestAndLaterOnesConnectAnew() throws Exception {
        client.preconnect();
        client.preconnect(); // once per client: a second call changes nothing
        for (int i = 0; i < 3; i++) {
            try (ClientResponse r = client.get("/_ping")) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("OK");
            }
        }
    }

    @Test
    void preconnectedClientServesConcurrentRequests() throws Exception {
        client.preconnect();
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (ClientResponse r = client.get("/_ping")) {
                    if (r.status() == 200 && r.text().equals("OK")) ok.incrementAndGet();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertThat(ok.get()).isEqualTo(4);
    }

    @Test
    void preconnectToAbsentDaemonIsSilentAndTheRequestSaysWhy() {
        HttpClient none = HttpClient.of("unix://" + dir.resolve("none.sock"));
        none.preconnect();
        assertThatThrownBy(() -> none.get("/_ping")).isInstanceOf(java.net.ConnectException.class)
                .hasMessage("Cannot connect to the daemon at unix://" + dir.resolve("none.sock") + ". Is the daemon running?");
    }

    @Test
    void socketFileHasTheRequestedMode() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                .isEqualTo("rw-rw----");
    }

    @Test
    void jsonRoundTrip() throws IOException {
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("Image", "busybox");
        sent.put("Cmd", List.of("echo", "hi"));
        try (ClientResponse r = client.send("POST", "/v1.44/echo", Map.of("Content-Type", "application/json"),
                dev.berth.common.Json.bytes(sent))) {
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.header("content-type")).contains("application/json");
            assertThat(r.header("Api-Version")).contains("1.52");
            assertThat(r.header("Ostype")).contains("linux");
            JsonNode json = r.json();
            assertThat(json.get("Image").asString()).isEqualTo("busybox");
            assertThat(json.get("Cmd").get(1).asString()).isEqualTo("hi");
        }
    }

    @Test
    void pathParametersAndQuery() throws IOException {
        assertThat(client.get("/images/localhost:5000/a/b:tag/json").json().get("name").asString())
                .isEqualTo("localhost:5000/a/b:tag");
        assertThat(client.send("DELETE", "/v1.40/images/a%2Fb:1.0+x", null, (byte[]) null).json()
                        .get("deleted").asString())
                .isEqualTo("a/b:1.0+x");
        JsonNode c = client.get("/containers/abc/json?a=1&a=x+y&b=True").json();
        assertThat(c.get("id").asString()).isEqualTo("abc");
        assertThat(c.get("all").toString()).isEqualTo("[\"1\",\"x y\"]");
        assertThat(c.get("b").asBoolean()).isTrue();
        assertThat(c.get("n").asInt()).isEqualTo(7);
        assertThat(client.get("/containers/abc/json?b=0&n=3").json().get("b").asBoolean()).isFalse();
        assertThat(client.get("/containers/abc/json?n=x").status()).isEqualTo(400);
        assertThat(client.get("/containers/abc/json?a=%zz").status()).isEqualTo(400);
    }

    @Test
    void versionedAndUnversionedPaths() throws IOException {
        assertThat(client.get("/version").json().get("ApiVersion").asString()).isEqualTo("1.52");
        assertThat(client.get("/v1.24/version").json().get("ApiVersion").asString()).isEqualTo("1.24");
        assertThat(client.get("/v1.52/version").json().get("ApiVersion").asString()).isEqualTo("1.52");
        assertThatThrownBy(() -> client.get("/v1.12/version").orThrow())
                .isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.message()).isEqualTo("client version 1.12 is too old. Minimum supported API "
                            + "version is 1.24, please upgrade your client to a newer version");
                });
        assertThatThrownBy(() -> client.get("/v1.99/version").orThrow())
                .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.message())
                        .isEqualTo("client version 1.99 is too new. Maximum supported API version is 1.52"));
    }

    @Test
    void unknownRouteAndWrongMethodArePageNotFound() throws IOException {
        for (ClientResponse r : List.of(client.get("/nope"), client.send("POST", "/version", null, (byte[]) null))) {
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.text()).isEqualTo("{\"message\":\"page not found\"}\n");
        }
    }

    @Test
    void errorsMapToStatusAndMessage() throws IOException {
        ClientResponse r = client.get("/v1.44/missing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("message").asString()).isEqualTo("No such container: web");
        assertThatThrownBy(() -> client.get("/bug").orThrow())
                .isInstanceOfSatisfying(HttpStatusException.class, e -> {
                    assertThat(e.status()).isEqualTo(500);
                    assertThat(e.message()).isEqualTo("kaput");
                });
    }

    @Test
    void headSendsHeadersOnly() throws IOException {
        try (RawClient raw = new RawClient(socket)) {
            raw.write("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /v1.44/_ping HTTP/1.1\r\nHost: x\r\n\r\n");
            Headers h = raw.readHead(200);
            assertThat(h.contentLength()).isEqualTo(2);
            Headers h2 = raw.readHead(200); // no body came between the two answers
            assertThat(raw.readBody(h2)).isEqualTo("OK");
        }
        try (ClientResponse r = client.send("HEAD", "/version", null, (byte[]) null)) { // falls back to GET
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bytes()).isEmpty();
        }
    }

    @Test
    void chunkedUpload() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(1).nextBytes(data);
        JsonNode j = client.send("POST", "/upload", null, new ByteArrayInputStream(data)).orThrow().json();
        assertThat(j.get("length").asLong()).isEqualTo(data.length);
        assertThat(j.get("sha256").asString())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    @Test
    void expectContinue() throws IOException {
        try (RawClient raw = new RawClient(socket)) {
            raw.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(raw.in.readLine(100)).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(raw.in.readLine(100)).isEmpty();
            raw.write("hello");
            Headers h = raw.readHead(200);
            assertThat(raw.readBody(h)).contains("\"length\":5");
        }
    }

    @Test
    void keepAliveDrainsUnreadBodies() throws IOException {
        try (RawClient raw = new RawClient(socket)) {
            raw.write("POST /ignore-body HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
                    + "POST /ignore-body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /v1.44/version HTTP/1.1\r\nHost: x\r\n\r\n");
            raw.readHead(204);
            raw.readHead(204);
            Headers h = raw.readHead(200);
            assertThat(raw.readBody(h)).contains("1.44");
            raw.write("GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Headers last = raw.readHead(200);
            assertThat(last.first("Connection")).contains("close");
            assertThat(raw.readBody(last)).isEqualTo("OK");
            assertThat(raw.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void streamedResponseArrivesChunkByChunk() throws IOException {
        try (ClientResponse r = client.get("/stream")) {
            assertThat(r.header("Transfer-Encoding")).contains("chunked");
            InputStream in = r.body();
            byte[] first = new byte[8];
            assertThat(in.readNBytes(first, 0, 8)).isEqualTo(8); // before the handler may go on
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}\n");
            release.countDown();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":2}\n");
        }
    }

    @Test
    void streamedResponseRunsAheadOfItsReaderByItsSendBuffer() throws Exception {
        // read in one piece: Files.readString reads a file whose size is 0 (as stat says of /proc)
        // one byte first, and the kernel answers the next read of a sysctl integer with EOF
        long wmemMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/wmem_max")).getFirst().trim());
        assumeTrue(wmemMax >= Connection.STREAM_SEND_BUFFER, "this kernel caps socket send buffers below 1 MiB");
        try (ClientResponse r = client.get("/stream-ahead")) {
            // with the kernel's default send buffer (~208 KiB) the handler would block until the body is read
            assertThat(wroteAhead.await(20, TimeUnit.SECONDS)).as("768 KiB written before the client reads any").isTrue();
            assertThat(r.body().readAllBytes()).hasSize(AHEAD);
        }
    }

    @Test
    void failureAfterStreamStartClosesTheConnection() throws IOException {
        try (ClientResponse r = client.get("/stream-fails")) {
            assertThat(r.status()).isEqualTo(200);
            InputStream in = r.body();
            assertThat(new String(in.readNBytes(7), StandardCharsets.UTF_8)).isEqualTo("partial");
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class); // no terminating chunk
        }
    }

    @Test
    void hijackWithUpgrade() throws Exception {
        try (Hijacked h = client.hijack("POST", "/v1.44/attach?stream=1", null, null)) {
            h.out().write("hello ".getBytes(StandardCharsets.UTF_8));
            h.out().flush();
            byte[] first = h.in().readNBytes(6);
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("HELLO ");
            h.out().write("world".getBytes(StandardCharsets.UTF_8));
            h.closeOutput();
            assertThat(new String(h.in().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("WORLD<eof>");
        }
    }

    @Test
    void hijackedStreamsWorkFromTwoThreads() throws Exception {
        try (Hijacked h = client.hijack("POST", "/duplex", null, null)) {
            assertThat(new String(h.in().readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("ready;");
            h.out().write("stdin".getBytes(StandardCharsets.UTF_8));
            h.closeOutput();
            assertThat(new String(h.in().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("got stdin");
        }
    }

    @Test
    void hijackWithoutUpgradeAnswers200() throws IOException {
        try (RawClient raw = new RawClient(socket)) {
            raw.write("POST /attach?stdout=true&stream=true HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}abc");
            Headers h = raw.readHead(200);
            assertThat(h.first("Content-Type")).contains("application/vnd.docker.raw-stream");
            assertThat(h.has("Content-Length")).isFalse();
            assertThat(h.has("Transfer-Encoding")).isFalse();
            raw.ch.shutdownOutput();
            assertThat(new String(raw.in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ABC<eof>");
        }
    }

    @Test
    void serverSide101Form() throws IOException {
        try (RawClient raw = new RawClient(socket)) {
            raw.write("POST /attach HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
            String status = raw.in.readLine(100);
            assertThat(status).isEqualTo("HTTP/1.1 101 UPGRADED");
            Headers h = Headers.read(raw.in);
            assertThat(h.first("Upgrade")).contains("tcp");
            assertThat(h.first("Connection")).contains("Upgrade");
            assertThat(h.first("Api-Version")).contains("1.52");
        }
    }

    @Test
    void clientAcceptsThe200HijackForm() throws Exception {
        // A daemon answering like docker-java expects: 200, no length, then raw bytes.
        Path sock = dir.resolve("fake.sock");
        try (var listener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(sock));
            Thread fake = Thread.ofVirtual().start(() -> {
                try (SocketChannel ch = listener.accept()) {
                    HttpInput in = new HttpInput(Channels.newInputStream(ch));
                    RequestHead head = RequestHead.read(in);
                    assertThat(head.headers().first("Upgrade")).contains("tcp");
                    OutputStream out = Channels.newOutputStream(ch);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nhi ")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(in.readAllBytes()); // echo until the client half-closes
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Hijacked h = HttpClient.of("unix://" + sock).hijack("POST", "/containers/x/attach", null, null)) {
                h.out().write("there".getBytes(StandardCharsets.UTF_8));
                h.closeOutput();
                assertThat(new String(h.in().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hi there");
            }
            fake.join();
        }
    }

    @Test
    void hijackOfAnErrorThrowsStatus() {
        assertThatThrownBy(() -> client.hijack("POST", "/v1.44/missing", null, null))
                .isInstanceOfSatisfying(HttpStatusException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void tcpListener() throws IOException {
        server.listenTcp(new java.net.InetSocketAddress("127.0.0.1", 0));
        var addr = (java.net.InetSocketAddress) server.addresses().get(1);
        HttpClient tcp = HttpClient.of("tcp://127.0.0.1:" + addr.getPort());
        assertThat(tcp.get("/_ping").text()).isEqualTo("OK");
    }

    @Test
    void staleSocketIsReplacedButALiveOneIsRefused() throws IOException {
        assertThatThrownBy(() -> new HttpServer(router).listenUnix(socket, 0600))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void curlGetsAPage() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(curl), "curl not installed");
        Process p = new ProcessBuilder(curl.toString(), "-sS", "-i", "--unix-socket", socket.toString(),
                "http://localhost/v1.44/version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).startsWith("HTTP/1.1 200 OK").contains("Api-Version: 1.52").endsWith("{\"ApiVersion\":\"1.44\"}\n");

        // A 2 MB upload makes curl send Expect: 100-continue.
        Path big = dir.resolve("big");
        Files.write(big, new byte[2 << 20]);
        p = new ProcessBuilder(curl.toString(), "-sS", "--unix-socket", socket.toString(), "--data-binary",
                "@" + big, "http://localhost/upload").redirectErrorStream(true).start();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("\"length\":" + (2 << 20));
    }

    /** A hand-driven connection, to see exactly what goes over the wire. */
    static final class RawClient implements AutoCloseable {
        final SocketChannel ch;
        final HttpInput in;

        RawClient(Path socket) throws IOException {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            in = new HttpInput(Channels.newInputStream(ch));
        }

        void write(String s) throws IOException {
            Channels.newOutputStream(ch).write(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        Headers readHead(int status) throws IOException {
            String line = in.readLine(1000);
            assertThat(line).startsWith("HTTP/1.1 " + status + " ");
            return Headers.read(in);
        }

        String readBody(Headers h) throws IOException {
            InputStream body = h.chunked() ? new ChunkedInputStream(in)
                    : new FixedLengthInputStream(in, h.contentLength());
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
