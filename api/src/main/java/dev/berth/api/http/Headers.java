package dev.berth.api.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Header fields of one message, in arrival order; names compare case-insensitively. */
final class Headers {
    /** Go's default limit: X-Registry-Config of a build can carry many credentials. */
    static final int MAX_BYTES = 1 << 20;

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    void add(String name, String value) {
        names.add(name);
        values.add(value);
    }

    Optional<String> first(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return Optional.of(values.get(i));
            }
        }
        return Optional.empty();
    }

    boolean has(String name) {
        return first(name).isPresent();
    }

    /** True if a comma-separated header (Connection, Upgrade, Transfer-Encoding) lists {@code token}. */
    boolean hasToken(String name, String token) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                for (String part : values.get(i).split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The declared body length, or -1 if there is none.
     *
     * @throws HttpProtocolException if the value is not a non-negative number
     */
    long contentLength() throws HttpProtocolException {
        Optional<String> v = first("Content-Length");
        if (v.isEmpty()) {
            return -1;
        }
        try {
            long n = Long.parseLong(v.get().trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new HttpProtocolException("invalid Content-Length: " + v.get());
    }

    boolean chunked() {
        return hasToken("Transfer-Encoding", "chunked");
    }

    /** Reads fields up to and including the empty line that ends a header block. */
    static Headers read(HttpInput in) throws IOException {
        Headers h = new Headers();
        int total = 0;
        while (true) {
            String line = in.readLine(MAX_BYTES);
            if (line == null) {
                throw new HttpProtocolException("connection closed inside the header");
            }
            if (line.isEmpty()) {
                return h;
            }
            total += line.length();
            if (total > MAX_BYTES) {
                throw new HttpProtocolException("header too large");
            }
            char c = line.charAt(0);
            if ((c == ' ' || c == '\t') && !h.values.isEmpty()) {
                // obsolete line folding: the line continues the previous value
                int last = h.values.size() - 1;
                h.values.set(last, h.values.get(last) + " " + line.trim());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpProtocolException("malformed header line");
            }
            h.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
    }
}
