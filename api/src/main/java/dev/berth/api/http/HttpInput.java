package dev.berth.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A buffered stream over a socket that can also read CRLF-terminated lines. One instance lives as long
 * as its connection, so bytes of a pipelined request, or the first bytes after a hijack, are never lost
 * in a throw-away buffer.
 */
final class HttpInput extends InputStream {
    private final InputStream raw;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;

    HttpInput(InputStream raw) {
        this.raw = raw;
    }

    /**
     * Reads one line without its CR LF (a bare LF is accepted too, as Go does).
     *
     * @return the line as ISO-8859-1 text, or null at end of stream before any byte
     * @throws IOException if the line exceeds {@code max} bytes or the stream ends inside it
     */
    String readLine(int max) throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == lim && fill() < 0) {
                if (line == null) {
                    return null;
                }
                throw new HttpProtocolException("connection closed inside a line");
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            int len = pos - start;
            if (line == null) {
                line = new StringBuilder(Math.max(len, 16));
            }
            line.append(new String(buf, start, len, StandardCharsets.ISO_8859_1));
            if (line.length() > max) {
                throw new HttpProtocolException("line too long");
            }
            if (pos < lim) {
                pos++; // the LF
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                return line.toString();
            }
        }
    }

    private int fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = raw.read(buf, 0, buf.length);
        if (n > 0) {
            lim = n;
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        if (pos == lim && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim) {
            if (len >= buf.length) {
                return raw.read(b, off, len); // large reads skip the copy
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return lim - pos;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
