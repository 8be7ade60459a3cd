package dev.berth.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP proxy in front of a plain-HTTP registry that can break blob downloads: the
 * first {@link #cuts} answers to a {@code GET .../blobs/...} larger than 64 KiB stop after
 * {@link #cutAfter} bytes and drop the connection, as a registry that dies mid-pull does. It
 * records every blob request with its Range header. The first {@link #stalls} such answers instead
 * stop sending after {@link #cutAfter} bytes and keep the connection open, as a stuck registry does.
 */
final class BlobProxy implements AutoCloseable {
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
            "expect", "keep-alive");
    final AtomicInteger cuts = new AtomicInteger();
    final AtomicInteger stalls = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    volatile long cutAfter = 200_000;
    final List<String> blobRequests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;

    BlobProxy(String upstreamHost) throws IOException {
        this.upstream = "http://" + upstreamHost;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI()));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase())) vs.forEach(v -> b.header(k, v));
            });
            b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            boolean blob = ex.getRequestMethod().equals("GET") && ex.getRequestURI().getPath().contains("/blobs/sha256:");
            if (blob) {
                blobRequests.add(ex.getRequestURI().getPath() + " range=" + ex.getRequestHeaders().getFirst("Range"));
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) vs.forEach(v -> ex.getResponseHeaders().add(k, v));
            });
            byte[] out = r.body();
            boolean head = ex.getRequestMethod().equals("HEAD");
            boolean stall = blob && out.length > 65536 && stalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (stall || blob && out.length > 65536 && cuts.get() > 0) {
                if (!stall) cuts.decrementAndGet();
                ex.sendResponseHeaders(r.statusCode(), out.length);
                OutputStream os = ex.getResponseBody();
                os.write(out, 0, (int) Math.min(cutAfter, out.length / 2));
                os.flush();
                if (stall) closed.await(); // silent, connection open, until the proxy closes
                return;
            }
            long len = head ? -1 : out.length == 0 ? -1 : out.length;
            if (head) {
                ex.sendResponseHeaders(r.statusCode(), -1);
                return;
            }
            ex.sendResponseHeaders(r.statusCode(), len);
            if (out.length > 0) ex.getResponseBody().write(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
