package dev.berth.api.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Docker's multiplexed stream framing (attach, logs and exec without a TTY): each frame is
 * {@code [stream, 0, 0, 0, length (4 bytes, big endian)]} followed by the payload.
 */
public final class StdCopy {
    public static final int STDIN = 0, STDOUT = 1, STDERR = 2;
    /** Docker's "systemerr" frame: the daemon failed mid-stream; the payload is the error text. */
    public static final int SYSTEMERR = 3;

    private static final int HEADER = 8;

    private StdCopy() {}

    /** Writes one frame, header and payload in a single write so it leaves as one packet. */
    public static void writeFrame(OutputStream out, int stream, byte[] b, int off, int len) throws IOException {
        byte[] frame = new byte[HEADER + len];
        frame[0] = (byte) stream;
        frame[4] = (byte) (len >>> 24);
        frame[5] = (byte) (len >>> 16);
        frame[6] = (byte) (len >>> 8);
        frame[7] = (byte) len;
        System.arraycopy(b, off, frame, HEADER, len);
        out.write(frame);
    }

    /** A stream that frames every write for {@code stream}; flush and close pass through to {@code out}. */
    public static OutputStream framing(OutputStream out, int stream) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writeFrame(out, stream, new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    writeFrame(out, stream, b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /**
     * Splits frames until end of stream: stdout (and stdin, as Docker does) to {@code stdout}, stderr to
     * {@code stderr}. Output is flushed whenever no more input is already at hand (so interactive
     * output shows at once, while a million-line log is not a million flushes) and whenever the
     * stream switches, so stdout and stderr keep their order on a shared terminal.
     *
     * @throws IOException on an unknown stream id, a truncated payload, or a SYSTEMERR frame (its text)
     */
    public static void demux(InputStream in, OutputStream stdout, OutputStream stderr) throws IOException {
        byte[] header = new byte[HEADER];
        byte[] buf = new byte[32 * 1024];
        OutputStream previous = null;
        while (true) {
            int got = in.readNBytes(header, 0, HEADER);
            if (got < HEADER) {
                stdout.flush();
                stderr.flush();
                return; // Docker also ends quietly on a partial header
            }
            int len = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            if (len < 0) {
                throw new IOException("invalid frame length");
            }
            int stream = header[0];
            if (stream == SYSTEMERR) {
                throw new IOException(new String(readFully(in, len), StandardCharsets.UTF_8));
            }
            OutputStream target = switch (stream) {
                case STDIN, STDOUT -> stdout;
                case STDERR -> stderr;
                default -> throw new IOException("Unrecognized input header: " + stream);
            };
            if (previous != null && previous != target) {
                previous.flush();
            }
            previous = target;
            while (len > 0) {
                int n = in.read(buf, 0, Math.min(buf.length, len));
                if (n < 0) {
                    throw new EOFException("stream ended inside a frame");
                }
                target.write(buf, 0, n);
                len -= n;
            }
            if (in.available() == 0) {
                target.flush();
            }
        }
    }

    private static byte[] readFully(InputStream in, int len) throws IOException {
        byte[] b = in.readNBytes(len);
        if (b.length < len) {
            throw new EOFException("stream ended inside a frame");
        }
        return b;
    }
}
