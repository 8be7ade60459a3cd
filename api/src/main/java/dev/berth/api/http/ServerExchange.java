package dev.berth.api.http;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/** The server side of one request: its parsed parts, its body, and the response state. */
final class ServerExchange implements Exchange {
    enum State { NEW, DONE, STREAMING, HIJACKED }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final Connection conn;
    private final RequestHead head;
    private final InputStream body;
    private final boolean keepAlive;
    private String path;
    private String rawQuery;
    private String apiVersion = ApiVersions.CURRENT;
    private QueryString query;
    private Map<String, String> params = Map.of();
    private boolean continuePending;
    private State state = State.NEW;
    private ChunkedOutputStream stream;
    /** Our own write failed: the peer is gone or the framing is broken, so the connection must end. */
    private boolean broken;

    ServerExchange(Connection conn, RequestHead head) throws HttpProtocolException {
        this.conn = conn;
        this.head = head;
        Headers h = head.headers();
        long length = h.contentLength();
        InputStream decoded;
        if (h.chunked()) { // Transfer-Encoding wins over Content-Length (RFC 9112 §6.3)
            decoded = new ChunkedInputStream(conn.in());
        } else if (length > 0) {
            decoded = new FixedLengthInputStream(conn.in(), length);
        } else {
            decoded = InputStream.nullInputStream();
        }
        boolean hasBody = h.chunked() || length > 0;
        this.continuePending = hasBody && h.first("Expect").filter(v -> v.equalsIgnoreCase("100-continue")).isPresent();
        this.body = new Body(decoded);
        this.keepAlive = head.keepAlive();
        splitTarget(head.target());
    }

    /** Splits the target into path and query and strips the {@code /vX.Y} prefix. */
    private void splitTarget(String target) {
        if (target.startsWith("http://") || target.startsWith("https://")) { // absolute form
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int q = target.indexOf('?');
        String p = q < 0 ? target : target.substring(0, q);
        rawQuery = q < 0 ? "" : target.substring(q + 1);
        if (p.startsWith("/v")) {
            int end = p.indexOf('/', 2);
            String v = end < 0 ? p.substring(2) : p.substring(2, end);
            if (!v.isEmpty() && v.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                apiVersion = v;
                p = end < 0 ? "/" : p.substring(end);
            }
        }
        path = p;
    }

    /** Parsed on demand inside the error handling, so a bad escape becomes a 400. */
    void parseQuery() {
        query = QueryString.parse(rawQuery);
    }

    void params(Map<String, String> params) {
        this.params = params;
    }

    State state() {
        return state;
    }

    boolean broken() {
        return broken;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    private boolean isHead() {
        return head.method().equals("HEAD");
    }

    // ---- request ----

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String apiVersion() {
        return apiVersion;
    }

    @Override
    public String pathParam(String name) {
        String raw = params.get(name);
        return raw == null ? null : QueryString.decode(raw, false);
    }

    @Override
    public Optional<String> query(String name) {
        List<String> all = queryAll(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    @Override
    public List<String> queryAll(String name) {
        if (query == null) {
            parseQuery();
        }
        return query.all(name);
    }

    @Override
    public boolean queryBool(String name, boolean dflt) {
        return query(name).map(v -> switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "0", "false", "no", "none" -> false;
            default -> true;
        }).orElse(dflt);
    }

    @Override
    public int queryInt(String name, int dflt) {
        long v = queryLong(name, dflt);
        if (v != (int) v) {
            throw EngineException.invalid("invalid value for %s: out of range", name);
        }
        return (int) v;
    }

    @Override
    public long queryLong(String name, long dflt) {
        Optional<String> v = query(name).map(String::trim).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid value for %s: %s is not a number", name, v.get());
        }
    }

    @Override
    public Optional<String> header(String name) {
        return head.headers().first(name);
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public <T> T bodyJson(Class<T> type) {
        byte[] bytes;
        try {
            bytes = body.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(bytes, type);
        } catch (JacksonException e) {
            throw new EngineException(dev.berth.common.ErrorKind.INVALID_ARGUMENT,
                    "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---- response ----

    @Override
    public void respondJson(int status, Object value) {
        byte[] json = Json.MAPPER.writeValueAsBytes(value); // before the head: a failure is still a 500
        byte[] withNewline = new byte[json.length + 1]; // Go's json.Encoder ends with a newline; so do we
        System.arraycopy(json, 0, withNewline, 0, json.length);
        withNewline[json.length] = '\n';
        respondBytes(status, "application/json", withNewline);
    }

    @Override
    public void respond(int status) {
        respondBytes(status, null, new byte[0]);
    }

    @Override
    public void respondBytes(int status, String contentType, byte[] bytes) {
        begin();
        StringBuilder h = new StringBuilder();
        if (contentType != null) {
            header(h, "Content-Type", contentType);
        }
        boolean bodyless = Status.bodyless(status);
        if (!bodyless) {
            header(h, "Content-Length", Integer.toString(bytes.length));
        }
        try {
            writeHead(status, h);
            if (!bodyless && !isHead()) {
                conn.out().write(bytes);
            }
            conn.out().flush();
            state = State.DONE;
        } catch (IOException e) {
            throw brokenBy(e);
        }
    }

    @Override
    public OutputStream respondStream(int status, String contentType) {
        begin();
        StringBuilder h = new StringBuilder();
        if (contentType != null) {
            header(h, "Content-Type", contentType);
        }
        boolean bodyless = Status.bodyless(status) || isHead();
        if (!Status.bodyless(status)) {
            header(h, "Transfer-Encoding", "chunked");
        }
        try {
            writeHead(status, h);
            conn.out().flush(); // the client sees the status before the first chunk
        } catch (IOException e) {
            throw brokenBy(e);
        }
        if (bodyless) {
            state = State.DONE;
            return OutputStream.nullOutputStream();
        }
        state = State.STREAMING;
        conn.streaming();
        stream = new ChunkedOutputStream(conn.out(), 8192);
        return stream;
    }

    @Override
    public Hijacked hijack(String contentType) {
        begin();
        boolean upgrade = head.headers().has("Upgrade"); // Docker checks presence only
        StringBuilder h = new StringBuilder();
        header(h, "Content-Type", contentType);
        if (upgrade) {
            header(h, "Connection", "Upgrade");
            header(h, "Upgrade", "tcp");
        }
        try {
            body.transferTo(OutputStream.nullOutputStream()); // the raw stream starts after the body
            writeStatusLine(upgrade ? 101 : 200, upgrade ? "UPGRADED" : "OK", h);
            conn.out().flush();
        } catch (IOException e) {
            throw brokenBy(e);
        }
        state = State.HIJACKED;
        return conn.hijacked();
    }

    /** Ends a response the handler left open and skips any unread body; false if the connection must close. */
    boolean finish() {
        try {
            if (state == State.STREAMING && !stream.isClosed()) {
                stream.close();
            }
            body.transferTo(OutputStream.nullOutputStream());
            return keepAlive;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** True if the streamed response was ended properly (the connection may carry another request). */
    boolean streamComplete() {
        return stream != null && stream.isClosed();
    }

    private void begin() {
        if (state != State.NEW) {
            throw new IllegalStateException("response already sent for " + head.method() + " " + head.target());
        }
    }

    private UncheckedIOException brokenBy(IOException e) {
        broken = true;
        return new UncheckedIOException(e);
    }

    private void writeHead(int status, StringBuilder extra) throws IOException {
        if (!keepAlive) {
            header(extra, "Connection", "close");
        }
        writeStatusLine(status, Status.reason(status), extra);
    }

    private void writeStatusLine(int status, String reason, StringBuilder extra) throws IOException {
        sendContinueIfPending(); // the client waits for it before it sends the body we will drain
        StringBuilder sb = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason)
                .append("\r\n");
        header(sb, "Api-Version", ApiVersions.CURRENT);
        header(sb, "Docker-Experimental", "false");
        header(sb, "Ostype", "linux");
        header(sb, "Server", "Berth/0.1 (linux)");
        sb.append(extra).append("\r\n");
        conn.out().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private void sendContinueIfPending() throws IOException {
        if (continuePending) {
            continuePending = false;
            conn.out().write(CONTINUE);
            conn.out().flush();
        }
    }

    private static void header(StringBuilder sb, String name, String value) {
        sb.append(name).append(": ").append(value).append("\r\n");
    }

    /** The request body as the handler sees it: asks for it with 100 Continue on the first read. */
    private final class Body extends InputStream {
        private final InputStream in;

        Body(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            sendContinueIfPending();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            sendContinueIfPending();
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
