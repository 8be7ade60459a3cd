package dev.berth.api.http;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A small HTTP/1.1 client for the Engine API over a unix socket or TCP, one connection per request.
 * It is JDK-only and avoids lambdas and Jackson on its own paths because the CLI starts with it.
 * Non-2xx answers are returned as responses (see {@link ClientResponse#orThrow()}), except by
 * {@link #hijack}.
 */
public final class HttpClient {
    private static final Runnable NOTHING = new Runnable() {
        @Override
        public void run() {}
    };

    /** A connection opened ahead is used only this soon after: a daemon may close idle ones. */
    private static final long PRECONNECT_FRESH_NANOS = 5_000_000_000L;

    /**
     * Classes whose static initialisation lies on the first request's path but which the connecting
     * thread reaches late: the OID table the SUN provider's set-up reads (~4 ms; skipped on the CLI's
     * own runtime, whose first provider is not SUN), the JFR event classes that the security and
     * socket code consult (never in an AOT cache: loading the first opens the runtime image) and
     * {@code sun.nio.ch.Net}, which a socket's close initialises (with InetAddress). Initialised on a
     * thread of their own while the connecting thread does the rest (~2-3 ms of a {@code berth ps} on
     * the JDK's runtime, within the noise on the CLI's); a class lock makes the two share, never
     * repeat, the work.
     */
    private static final String SUN_PROVIDER_OIDS = "sun.security.util.KnownOIDs";
    private static final String ENTROPY_MODULE = "dev.berth.entropy";
    private static final String[] FIRST_REQUEST_CLASSES = {SUN_PROVIDER_OIDS,
        "jdk.internal.event.SecurityProviderServiceEvent", "jdk.internal.event.SocketReadEvent",
        "jdk.internal.event.SocketWriteEvent", "sun.nio.ch.Net"};

    private final String host; // as given, for messages
    private final SocketAddress address;
    private final String hostHeader;
    private Thread preconnecting; // guarded by this
    private SocketChannel preconnected; // guarded by this; taken once
    private long preconnectedAt;

    private HttpClient(String host, SocketAddress address, String hostHeader) {
        this.host = host;
        this.address = address;
        this.hostHeader = hostHeader;
    }

    /**
     * @param host {@code unix:///run/berth/berth.sock}, {@code tcp://127.0.0.1:2375} or {@code http://...}
     *     (port 2375 if absent)
     */
    public static HttpClient of(String host) {
        if (host.startsWith("unix://")) {
            // Docker's client sends this Host for unix sockets; any name would do
            return new HttpClient(host, UnixDomainSocketAddress.of(host.substring(7)), "api.moby.localhost");
        }
        String rest;
        if (host.startsWith("tcp://")) {
            rest = host.substring(6);
        } else if (host.startsWith("http://")) {
            rest = host.substring(7);
        } else {
            throw new IllegalArgumentException("unsupported daemon address (want unix:// or tcp://): " + host);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        String name = rest;
        int port = 2375;
        if (colon >= 0 && rest.indexOf(']', colon) < 0) {
            name = rest.substring(0, colon);
            port = Integer.parseInt(rest.substring(colon + 1));
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        return new HttpClient(host, new InetSocketAddress(name, port), rest);
    }

    /**
     * Starts connecting on a thread of its own, so that the JDK's first-socket set-up (for a unix
     * socket: SecureRandom and the security providers) runs while the caller parses its
     * flags and builds its request; the next request takes the connection. A failure is silent:
     * that request connects again and reports it. Once per client; unix sockets only.
     */
    public void preconnect() {
        if (!(address instanceof UnixDomainSocketAddress)) {
            return;
        }
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                SocketChannel ch = null;
                try {
                    ch = SocketChannel.open(address);
                } catch (IOException | RuntimeException e) {
                    // the request connects again and says why it cannot
                }
                synchronized (HttpClient.this) {
                    preconnected = ch;
                    preconnectedAt = System.nanoTime();
                }
            }
        }, "preconnect");
        t.setDaemon(true);
        synchronized (this) {
            if (preconnecting != null) {
                return;
            }
            preconnecting = t;
        }
        t.start();
        Thread w = new Thread(new Runnable() {
            @Override
            public void run() {
                prewarm();
            }
        }, "prewarm");
        w.setDaemon(true);
        w.start();
    }

    private static void prewarm() {
        // on the CLI's linked runtime (ADR 0014) the socket's SecureRandom does not come from SUN:
        // the OID table would be ~4 ms of CPU for nothing, taken from the threads that do the work
        boolean sunOnPath = ModuleLayer.boot().findModule(ENTROPY_MODULE).isEmpty();
        for (String name : FIRST_REQUEST_CLASSES) {
            if (name.equals(SUN_PROVIDER_OIDS) && !sunOnPath) {
                continue;
            }
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException | LinkageError e) {
                // another JDK: only a head start is lost
            }
        }
    }

    /** The connection opened by {@link #preconnect}, once, if it is fresh; else null. */
    private SocketChannel takePreconnected() {
        Thread t;
        synchronized (this) {
            t = preconnecting;
        }
        if (t == null) {
            return null;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        SocketChannel ch;
        synchronized (this) {
            ch = preconnected;
            preconnected = null;
            if (ch != null && System.nanoTime() - preconnectedAt > PRECONNECT_FRESH_NANOS) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // it was unused
                }
                ch = null;
            }
        }
        return ch;
    }

    /** Sends a request with an optional body (null: none) and returns the response head. */
    public ClientResponse send(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        SocketChannel ch = connect();
        try {
            OutputStream out = output(ch);
            writeHead(out, method, pathAndQuery, headers, body, false);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return ClientResponse.read(ch, method);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Sends {@code body} chunked (a build context, an image tarball) and returns the response head. */
    public ClientResponse send(String method, String pathAndQuery, Map<String, String> headers, InputStream body)
            throws IOException {
        SocketChannel ch = connect();
        try {
            OutputStream out = output(ch);
            writeHead(out, method, pathAndQuery, headers, null, body != null);
            if (body != null) {
                ChunkedOutputStream chunked = new ChunkedOutputStream(out, 64 * 1024);
                byte[] buf = new byte[1 << 20]; // an image tarball is hundreds of MiB: few large chunks
                for (int n; (n = body.read(buf)) >= 0; ) {
                    chunked.write(buf, 0, n);
                }
                chunked.close();
            }
            out.flush();
            return ClientResponse.read(ch, method);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A GET without headers. */
    public ClientResponse get(String pathAndQuery) throws IOException {
        return send("GET", pathAndQuery, null, (byte[]) null);
    }

    /**
     * Sends the request with {@code Connection: Upgrade} and {@code Upgrade: tcp} and hands over the raw
     * connection; accepts both {@code 101} and a plain {@code 200}.
     *
     * @throws HttpStatusException for any other status, with the daemon's message
     */
    public Hijacked hijack(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException {
        SocketChannel ch = connect();
        try {
            OutputStream out = output(ch);
            writeHead(out, method, pathAndQuery, headers, body == null ? new byte[0] : body, false, true);
            if (body != null) {
                out.write(body);
            }
            out.flush();
            ClientResponse r = ClientResponse.read(ch, method);
            if (r.status() == 101 || r.status() == 200) {
                return new RawConnection(ch, r.rawBody(), NOTHING);
            }
            r.orThrow();
            throw new HttpStatusException(r.status(), "unexpected status " + r.status());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel pre = takePreconnected();
        if (pre != null) {
            return pre;
        }
        try {
            return SocketChannel.open(address);
        } catch (IOException e) {
            ConnectException ce = new ConnectException(new StringBuilder("Cannot connect to the daemon at ")
                    .append(host).append(". Is the daemon running?").toString());
            ce.initCause(e);
            throw ce;
        }
    }

    private static OutputStream output(SocketChannel ch) {
        return new BufferedOutputStream(Channels.newOutputStream(ch), 16 * 1024);
    }

    private void writeHead(OutputStream out, String method, String pathAndQuery, Map<String, String> headers,
            byte[] body, boolean chunked) throws IOException {
        writeHead(out, method, pathAndQuery, headers, body, chunked, false);
    }

    private void writeHead(OutputStream out, String method, String pathAndQuery, Map<String, String> headers,
            byte[] body, boolean chunked, boolean upgrade) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        boolean hasAgent = false;
        if (headers != null) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                String name = e.getKey();
                if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")
                        || name.equalsIgnoreCase("Connection") || name.equalsIgnoreCase("Upgrade")) {
                    continue; // framing is ours to decide
                }
                hasHost |= name.equalsIgnoreCase("Host");
                hasAgent |= name.equalsIgnoreCase("User-Agent");
                sb.append(name).append(": ").append(e.getValue()).append("\r\n");
            }
        }
        if (!hasHost) {
            sb.append("Host: ").append(hostHeader).append("\r\n");
        }
        if (!hasAgent) {
            sb.append("User-Agent: Berth-Client/0.1\r\n");
        }
        if (upgrade) {
            sb.append("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        }
        if (chunked) {
            sb.append("Transfer-Encoding: chunked\r\n");
        } else if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        } else if (method.equals("POST") || method.equals("PUT")) {
            sb.append("Content-Length: 0\r\n"); // as Go does: some servers want a length on POST
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String toString() {
        return host;
    }
}
