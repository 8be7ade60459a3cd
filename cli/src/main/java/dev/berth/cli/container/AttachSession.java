package dev.berth.cli.container;

import dev.berth.api.http.Hijacked;
import dev.berth.api.http.StdCopy;
import dev.berth.cli.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies a hijacked attach/exec stream: the container's output to our stdout/stderr (raw with a
 * TTY, demultiplexed otherwise) and our stdin to the container, watching stdin for the detach
 * keys. The terminal is raw while a TTY session lasts and restored afterwards.
 */
final class AttachSession {
    private final Context ctx;
    private final Hijacked conn;
    private final boolean tty;
    private final boolean stdin;
    private final byte[] detachKeys;
    private final AtomicBoolean detached = new AtomicBoolean();
    private String savedTerminal;

    AttachSession(Context ctx, Hijacked conn, boolean tty, boolean stdin, String detachKeys) {
        this.ctx = ctx;
        this.conn = conn;
        this.tty = tty;
        this.stdin = stdin;
        this.detachKeys = DetachKeys.parse(detachKeys == null ? DetachKeys.DEFAULT : detachKeys);
    }

    /** Raw mode before the container starts, so its first output is not echoed twice. */
    void prepareTerminal() {
        if (tty && stdin && Terminal.isTerminal()) savedTerminal = Terminal.makeRaw();
    }

    /** Runs until the output ends or the user detaches; true when detached. */
    boolean run() throws IOException {
        if (stdin) {
            Thread t = new Thread(this::copyStdin, "stdin");
            t.setDaemon(true); // a blocked read of our stdin must not keep the JVM alive
            t.start();
        }
        try {
            OutputStream out = flushing(ctx.out());
            if (tty) {
                InputStream in = conn.in();
                byte[] buf = new byte[32 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
            } else {
                StdCopy.demux(conn.in(), out, flushing(ctx.err()));
            }
        } catch (IOException e) {
            if (!detached.get()) throw e;
        } finally {
            restoreTerminal();
            conn.close();
        }
        return detached.get();
    }

    void restoreTerminal() {
        if (savedTerminal != null) {
            Terminal.restore(savedTerminal);
            savedTerminal = null;
        }
    }

    private void copyStdin() {
        byte[] buf = new byte[8192];
        int matched = 0;
        try {
            InputStream in = ctx.in();
            OutputStream out = conn.out();
            int n;
            while ((n = in.read(buf)) > 0) {
                // Hold back a partial detach sequence; send it on if the next byte breaks it.
                java.io.ByteArrayOutputStream pass = new java.io.ByteArrayOutputStream(n + detachKeys.length);
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (detachKeys.length > 0 && b == detachKeys[matched]) {
                        matched++;
                        if (matched == detachKeys.length) {
                            out.write(pass.toByteArray());
                            detached.set(true);
                            conn.close();
                            return;
                        }
                    } else {
                        if (matched > 0) pass.write(detachKeys, 0, matched);
                        matched = 0;
                        if (detachKeys.length > 0 && b == detachKeys[0]) matched = 1;
                        else pass.write(b);
                    }
                }
                out.write(pass.toByteArray());
                out.flush();
            }
            conn.closeOutput(); // stdin ended: the container reads EOF
        } catch (IOException e) {
            // the connection ended first: nothing left to send
        }
    }

    static OutputStream flushing(OutputStream o) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                o.write(b);
                o.flush();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                o.write(b, off, len);
                o.flush();
            }
        };
    }
}
