package dev.berth.api.http;

import dev.berth.common.json.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response whose body is read on demand, so a stream ({@code logs -f}, events, pull progress) can be
 * consumed as it arrives. Closing it, or reading it to the end with {@link #bytes()}, closes the
 * connection.
 */
public final class ClientResponse implements AutoCloseable {
    private final SocketChannel ch;
    private final int status;
    private final Headers headers;
    private final InputStream raw; // the body as framed on the wire, decoded
    private final InputStream body;

    private ClientResponse(SocketChannel ch, int status, Headers headers, InputStream raw) {
        this.ch = ch;
        this.status = status;
        this.headers = headers;
        this.raw = raw;
        this.body = new InputStream() {
            @Override
            public int read() throws IOException {
                return raw.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return raw.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return raw.available();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    /** Reads the status line and header, skipping interim 1xx answers other than 101. */
    static ClientResponse read(SocketChannel ch, String method) throws IOException {
        HttpInput in = new HttpInput(Channels.newInputStream(ch));
        while (true) {
            String line = in.readLine(64 * 1024);
            if (line == null) {
                throw new HttpProtocolException("the daemon closed the connection without answering");
            }
            int sp = line.indexOf(' ');
            if (!line.startsWith("HTTP/1.") || sp < 0 || line.length() < sp + 4) {
                throw new HttpProtocolException("malformed status line");
            }
            int status;
            try {
                status = Integer.parseInt(line.substring(sp + 1, sp + 4));
            } catch (NumberFormatException e) {
                throw new HttpProtocolException("malformed status line");
            }
            Headers headers = Headers.read(in);
            if (status >= 100 && status < 200 && status != 101) {
                continue;
            }
            return new ClientResponse(ch, status, headers, body(in, method, status, headers));
        }
    }

    private static InputStream body(HttpInput in, String method, int status, Headers headers) throws IOException {
        if (status == 101) {
            return in;
        }
        if (method.equals("HEAD") || Status.bodyless(status)) {
            return InputStream.nullInputStream();
        }
        if (headers.chunked()) {
            return new ChunkedInputStream(in);
        }
        long length = headers.contentLength();
        return length >= 0 ? new FixedLengthInputStream(in, length) : in; // else: until the server closes
    }

    public int status() {
        return status;
    }

    /** The first value of a header; names are case-insensitive. */
    public Optional<String> header(String name) {
        return headers.first(name);
    }

    /** The decoded body, streamed; closing it closes the connection. */
    public InputStream body() {
        return body;
    }

    /** The decoded body without the close-the-connection wrapper, for a hijack. */
    InputStream rawBody() {
        return raw;
    }

    /** Reads the whole body and closes the connection. */
    public byte[] bytes() throws IOException {
        try {
            return raw.readAllBytes();
        } finally {
            close();
        }
    }

    public String text() throws IOException {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /**
     * The body as a JSON tree; an empty body is a missing node. The client's tree, not Jackson's:
     * clients start often and Jackson's mapper is most of a short command's start-up (ADR 0003).
     */
    public JsonNode json() throws IOException {
        byte[] b = bytes();
        return b.length == 0 ? JsonNode.missing() : JsonNode.parse(b);
    }

    /**
     * Returns this response if its status is below 400; otherwise reads the body, closes and throws.
     *
     * @throws HttpStatusException with the {@code message} of the daemon's error body
     */
    public ClientResponse orThrow() throws IOException {
        if (status < 400) {
            return this;
        }
        throw new HttpStatusException(status, errorMessage(status, bytes()));
    }

    /** The {@code message} of a JSON error body, else the body's text, else the reason phrase. */
    static String errorMessage(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) {
            try {
                JsonNode message = JsonNode.parse(body).get("message");
                if (message != null && message.isString()) {
                    return message.asString();
                }
            } catch (RuntimeException e) {
                // not JSON after all: report the text
            }
        }
        return text.isEmpty() ? Status.reason(status) : text;
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
