package dev.berth.api.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked body. A read returns what the current chunk has ready, so a streamed response
 * ({@code logs -f}, events) reaches the caller as soon as each chunk arrives.
 */
final class ChunkedInputStream extends InputStream {
    private static final int MAX_LINE = 4096;

    private final HttpInput in;
    private long remaining; // in the current chunk
    private boolean eof;

    ChunkedInputStream(HttpInput in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new HttpProtocolException("connection closed inside a chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            expectEmptyLine();
        }
        return n;
    }

    /** Reads the next size line; false (after the trailer) at the last chunk. */
    private boolean nextChunk() throws IOException {
        if (eof) {
            return false;
        }
        String line = in.readLine(MAX_LINE);
        if (line == null) {
            throw new HttpProtocolException("connection closed before the last chunk");
        }
        int semi = line.indexOf(';'); // chunk extensions carry nothing we use
        String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
        try {
            remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new HttpProtocolException("invalid chunk size: " + hex);
        }
        if (remaining < 0) {
            throw new HttpProtocolException("invalid chunk size: " + hex);
        }
        if (remaining == 0) {
            eof = true;
            Headers.read(in); // trailer fields, dropped
            return false;
        }
        return true;
    }

    private void expectEmptyLine() throws IOException {
        String crlf = in.readLine(MAX_LINE);
        if (crlf == null || !crlf.isEmpty()) {
            throw new HttpProtocolException("chunk not followed by CRLF");
        }
    }

    @Override
    public int available() {
        return (int) Math.min(in.available(), remaining);
    }
}
