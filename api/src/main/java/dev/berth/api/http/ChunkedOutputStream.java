package dev.berth.api.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a chunked body. Writes are gathered and sent as one chunk on {@link #flush()} (or when the
 * buffer fills), so a producer decides what the peer sees as one unit; a write at least as large
 * as the buffer is sent as a chunk of its own, without being copied (an image archive streams
 * through in its writer's buffers, not in pieces of this one). {@link #close()} sends the last
 * chunk but leaves the connection open for the next message.
 */
class ChunkedOutputStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final OutputStream out;
    private final byte[] buf;
    private int count;
    private boolean closed;

    ChunkedOutputStream(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[bufferSize];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == buf.length) {
            writeChunk();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (len >= buf.length) {
            writeChunk(); // what was gathered before goes first
            writeChunk(b, off, len);
            return;
        }
        while (len > 0) {
            if (count == buf.length) {
                writeChunk();
            }
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    private void writeChunk() throws IOException {
        if (count == 0) {
            return; // an empty chunk would end the body
        }
        writeChunk(buf, 0, count);
        count = 0;
    }

    private void writeChunk(byte[] b, int off, int len) throws IOException {
        out.write(Integer.toHexString(len).getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
        out.write(b, off, len);
        out.write(CRLF);
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        writeChunk();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        writeChunk();
        out.write(LAST);
        out.flush();
    }

    boolean isClosed() {
        return closed;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }
}
