package dev.berth.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hijacked connection, used by both the server and the client. Reads and writes may run on two
 * threads at once: the channel's read and write sides lock separately.
 */
final class RawConnection implements Hijacked {
    private final SocketChannel ch;
    private final InputStream in;
    private final OutputStream out;
    private final Runnable onClose;
    private final AtomicBoolean outputClosed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param in the connection's buffered input, so bytes read ahead with the HTTP header are kept */
    RawConnection(SocketChannel ch, InputStream in, Runnable onClose) {
        this.ch = ch;
        this.onClose = onClose;
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }

            @Override
            public void close() {
                try {
                    ch.shutdownInput();
                } catch (IOException e) {
                    // already gone: nothing left to stop
                }
            }
        };
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }

            @Override
            public void close() {
                closeOutput();
            }
        };
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void closeOutput() {
        if (outputClosed.compareAndSet(false, true)) {
            try {
                ch.shutdownOutput();
            } catch (IOException e) {
                // the peer is gone: it cannot miss our end of stream
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do about a failed close
            } finally {
                onClose.run();
            }
        }
    }
}
