package dev.berth.api.http;

import dev.berth.common.EngineException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** One accepted connection: reads requests in turn (keep-alive) until close, error or hijack. */
final class Connection implements Runnable {
    /** The socket send buffer a streamed response asks for: see {@link #streaming()}. */
    static final int STREAM_SEND_BUFFER = 1 << 20;

    private final SocketChannel ch;
    private final Router router;
    private final Runnable onClose;
    private final HttpInput in;
    private final OutputStream out;
    private boolean hijacked;

    Connection(SocketChannel ch, Router router, Runnable onClose) {
        this.ch = ch;
        this.router = router;
        this.onClose = onClose;
        this.in = new HttpInput(Channels.newInputStream(ch));
        this.out = new BufferedOutputStream(Channels.newOutputStream(ch), 16 * 1024);
    }

    HttpInput in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /**
     * Readies the socket for a streamed response (an image archive, a container's logs: up to
     * hundreds of MiB): a send buffer of {@value #STREAM_SEND_BUFFER} bytes instead of the kernel's
     * default (net.core.wmem_default, ~208 KiB), so that this writer runs that far ahead of its
     * reader before it parks, and the two wake each other several times less often (ADR 0001
     * addendum: a 200 MiB {@code GET /images/get} to curl in ~300 ms instead of ~420 ms). The kernel
     * caps the size at net.core.wmem_max and takes memory only for bytes queued. Best effort: a
     * refusal leaves the default.
     */
    void streaming() {
        try {
            // never lowered: a host may default to more, and a kept-alive connection has it already
            if (ch.getOption(StandardSocketOptions.SO_SNDBUF) < STREAM_SEND_BUFFER) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, STREAM_SEND_BUFFER);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // the default buffer only costs speed
        }
    }

    Hijacked hijacked() {
        hijacked = true;
        return new RawConnection(ch, in, onClose);
    }

    @Override
    public void run() {
        try {
            while (true) {
                RequestHead head = RequestHead.read(in);
                if (head == null) {
                    return;
                }
                ServerExchange ex;
                try {
                    ex = new ServerExchange(this, head);
                } catch (HttpProtocolException e) {
                    badRequest(e.getMessage());
                    return;
                }
                if (!serve(ex) || !ex.finish()) {
                    return;
                }
            }
        } catch (HttpProtocolException e) {
            badRequest(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            // the peer went away mid-request: nobody is left to tell
        } finally {
            if (!hijacked) {
                closeQuietly();
            }
        }
    }

    /** Runs the handler; false if the connection cannot carry another request. */
    private boolean serve(ServerExchange ex) {
        try {
            ex.parseQuery();
            Router.Match m = router.match(ex.method(), ex.path());
            if (m == null) {
                throw EngineException.notFound("page not found");
            }
            ApiVersions.check(ex.apiVersion()); // after routing, as Docker's middleware does
            ex.params(m.params());
            m.handler().handle(ex);
            if (ex.state() == ServerExchange.State.NEW) {
                throw new IllegalStateException("handler sent no response");
            }
            return ex.state() != ServerExchange.State.HIJACKED;
        } catch (Throwable t) {
            return fail(ex, t);
        }
    }

    private boolean fail(ServerExchange ex, Throwable t) {
        boolean io = t instanceof IOException || t instanceof UncheckedIOException;
        if (ex.broken()) {
            return false;
        }
        switch (ex.state()) {
            case NEW -> {
                int status = t instanceof EngineException ee ? ee.kind().httpStatus() : 500;
                if (status >= 500) {
                    log(ex, t);
                }
                String message = t.getMessage() != null ? t.getMessage() : t.toString();
                try {
                    if (Status.bodyless(status)) {
                        ex.respond(status);
                    } else {
                        ex.respondJson(status, java.util.Map.of("message", message));
                    }
                    return true;
                } catch (RuntimeException e) {
                    return false;
                }
            }
            case DONE -> {
                log(ex, t); // the response is complete: the connection is still sound
                return true;
            }
            default -> { // a stream or a raw pipe has begun: no way to report, only to stop
                if (!io) {
                    log(ex, t);
                }
                if (ex.state() == ServerExchange.State.HIJACKED) {
                    hijacked = false; // the handler gave up its connection; the finally closes it
                }
                return false;
            }
        }
    }

    private void badRequest(String message) {
        String json = "{\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\nApi-Version: " + ApiVersions.CURRENT + "\r\n\r\n";
        try {
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the peer is gone
        }
    }

    private void closeQuietly() {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        } finally {
            onClose.run();
        }
    }

    static void log(ServerExchange ex, Throwable t) {
        synchronized (System.err) { // keep one trace together when connections fail at once
            System.err.println("berth-api: " + ex.method() + " " + ex.path() + " failed: " + t);
            t.printStackTrace(System.err);
        }
    }
}
