package dev.berth.registry;

import dev.berth.common.BulkInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blob {@code GET} on a connection of its own, for the bulk bytes of a pull. The JDK's HTTP
 * client hands a body from its selector thread to the reader buffer by buffer: reading the bench
 * image's five blobs (148 MB) over loopback cost 150-280 ms of CPU with 64 KiB buffers (230-580
 * with the default 16 KiB) where a plain socket read cost 20-30 ms, and on 2 cores that CPU is
 * what a pull is short of. Only the plain successful case is handled: any other answer (401, an
 * error, a framing this class does not know) or a failure before the body gives
 * {@link Optional#empty()}, and the caller asks again through the HTTP client, which knows
 * authentication and Docker's error wording.
 */
final class BlobStream {
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_HEADER_BYTES = 64 << 10;

    /** A 200 or 206 answer; reading {@code body} ends at the end of the blob, closing it closes the connection. */
    record Response(int status, HttpHeaders headers, InputStream body) {}

    private BlobStream() {}

    /**
     * GETs {@code uri} with {@code headers}, following redirects; {@code Authorization} is sent to
     * the first host only, as Go's client does (a CDN behind a redirect rejects the registry's token).
     */
    static Optional<Response> get(URI uri, Map<String, String> headers, SSLContext ssl, Duration connectTimeout,
            Duration readTimeout) {
        URI at = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Socket socket = null;
            try {
                socket = connect(at, ssl, connectTimeout, readTimeout);
                OutputStream out = socket.getOutputStream();
                out.write(request(at, headers, hop == 0 || sameOrigin(uri, at)));
                out.flush();
                InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
                int status = statusCode(line(in));
                HttpHeaders h = headers(in);
                if (status == 200 || status == 206) {
                    // The caller watches the body for stalls (StallWatch) as it does the HTTP client's
                    // bodies, and resumes after one; a socket timeout would end the pull instead.
                    socket.setSoTimeout(0);
                    Optional<Response> r = body(in, h, socket).map(b -> new Response(status, h, b));
                    if (r.isEmpty()) {
                        socket.close();
                    }
                    return r;
                }
                socket.close();
                Optional<String> location = h.firstValue("Location");
                if (status / 100 != 3 || location.isEmpty()) {
                    return Optional.empty();
                }
                at = at.resolve(location.get());
            } catch (IOException | RuntimeException e) {
                close(socket);
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Socket connect(URI uri, SSLContext ssl, Duration connectTimeout, Duration readTimeout) throws IOException {
        boolean tls = uri.getScheme().equals("https");
        if (!tls && !uri.getScheme().equals("http")) {
            throw new IOException("unsupported scheme " + uri.getScheme());
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(uri.getHost(), port), (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            // until the response head is in, as the HTTP client's request timeout; a registry that
            // stalls here is asked again through the HTTP client, which reports it in Docker's words
            plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            if (!tls) {
                return plain;
            }
            SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket(plain, uri.getHost(), port, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // as the HTTP client checks names (a trust-all context skips it)
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            close(plain);
            throw e;
        }
    }

    private static byte[] request(URI uri, Map<String, String> headers, boolean withAuth) {
        StringBuilder b = new StringBuilder(256);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        b.append("GET ").append(path);
        if (uri.getRawQuery() != null) {
            b.append('?').append(uri.getRawQuery());
        }
        b.append(" HTTP/1.1\r\nHost: ").append(uri.getRawAuthority()).append("\r\nConnection: close\r\n");
        headers.forEach((k, v) -> {
            if (withAuth || !k.equalsIgnoreCase("Authorization")) {
                b.append(k).append(": ").append(v).append("\r\n");
            }
        });
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && a.getRawAuthority().equals(b.getRawAuthority());
    }

    private static int statusCode(String line) throws IOException {
        String[] p = line.split(" ", 3);
        if (p.length < 2 || !p[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + line);
        }
        return Integer.parseInt(p[1]);
    }

    private static HttpHeaders headers(InputStream in) throws IOException {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int total = 0;
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            total += l.length();
            int colon = l.indexOf(':');
            if (colon <= 0 || total > MAX_HEADER_BYTES) {
                throw new IOException("malformed response header");
            }
            m.computeIfAbsent(l.substring(0, colon).trim(), k -> new ArrayList<>()).add(l.substring(colon + 1).trim());
        }
        return HttpHeaders.of(m, (k, v) -> true);
    }

    /** The body, framed as the headers say; empty for a framing not handled here. */
    private static Optional<InputStream> body(InputStream in, HttpHeaders h, Socket socket) {
        String coding = h.firstValue("Content-Encoding").orElse("identity").toLowerCase(Locale.ROOT);
        String transfer = h.firstValue("Transfer-Encoding").orElse("").toLowerCase(Locale.ROOT);
        if (!coding.equals("identity")) {
            return Optional.empty();
        }
        InputStream framed;
        if (transfer.equals("chunked")) {
            framed = new Chunked(in);
        } else if (!transfer.isEmpty()) {
            return Optional.empty();
        } else {
            long length = h.firstValueAsLong("Content-Length").orElse(-1);
            framed = length < 0 ? in : new Bounded(in, length);
        }
        return Optional.of(new FilterInputStream(framed) {
            @Override
            public void close() throws IOException {
                socket.close();
            }
        });
    }

    /** A CRLF-terminated line of the response head. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed in the response head");
            }
            if (b.length() > MAX_HEADER_BYTES) {
                throw new IOException("response header line too long");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static void close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing was read from it
            }
        }
    }

    /**
     * A framed body over the connection's stream {@code in}: single-byte reads and skips go through
     * the bulk read, which knows the framing (a filter's skip would pass the frame by).
     */
    private abstract static class Framed extends BulkInputStream {
        protected final InputStream in;

        Framed(InputStream in) {
            this.in = in;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Content-Length framing: ends after {@code remaining} bytes; a shorter stream is an error. */
    private static final class Bounded extends Framed {
        private long remaining;

        Bounded(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed with " + remaining + " bytes of the body missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** Transfer-Encoding: chunked. */
    private static final class Chunked extends Framed {
        private long chunk;
        private boolean end;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (end) {
                return -1;
            }
            if (chunk == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                try {
                    chunk = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size " + size);
                }
                if (chunk < 0) {
                    throw new IOException("malformed chunk size " + size);
                }
                if (chunk == 0) {
                    for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                        // trailers carry nothing a blob needs
                    }
                    end = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunk));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            chunk -= n;
            if (chunk == 0 && !line(in).isEmpty()) {
                throw new IOException("malformed chunk");
            }
            return n;
        }
    }
}
