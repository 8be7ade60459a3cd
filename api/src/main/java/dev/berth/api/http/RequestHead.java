package dev.berth.api.http;

import java.io.IOException;

/** The request line and header fields of one request. */
record RequestHead(String method, String target, String version, Headers headers) {
    private static final int MAX_LINE = 64 * 1024;

    /** Reads the next request; null if the peer closed the connection cleanly between requests. */
    static RequestHead read(HttpInput in) throws IOException {
        String line;
        do { // RFC 9112 §2.2: ignore empty lines before a request line
            line = in.readLine(MAX_LINE);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty());
        String[] parts = line.split(" ");
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
            throw new HttpProtocolException("malformed request line");
        }
        return new RequestHead(parts[0], parts[1], parts[2], Headers.read(in));
    }

    /** HTTP/1.1 keeps the connection unless told otherwise; HTTP/1.0 only if asked. */
    boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return !version.equals("HTTP/1.0") || headers.hasToken("Connection", "keep-alive");
    }
}
