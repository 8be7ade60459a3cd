package dev.berth.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds {@code path?a=b&c=d} with URL-encoded parts. */
public final class Query {
    private final StringBuilder sb;
    private boolean first = true;

    private Query(String path) {
        sb = new StringBuilder(path);
    }

    /** {@code format} gets each arg path-encoded, e.g. {@code of("/containers/%s/json", id)}. */
    public static Query of(String format, String... pathArgs) {
        // %s and %% by hand: String.format sets up a Formatter for each request's path
        StringBuilder sb = new StringBuilder(format.length() + 64);
        int arg = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                sb.append(c);
            } else if (i + 1 < format.length() && format.charAt(i + 1) == 's' && arg < pathArgs.length) {
                sb.append(pathSegment(pathArgs[arg++]));
                i++;
            } else if (i + 1 < format.length() && format.charAt(i + 1) == '%') {
                sb.append('%');
                i++;
            } else {
                Object[] enc = new Object[pathArgs.length];
                for (int j = 0; j < pathArgs.length; j++) enc[j] = pathSegment(pathArgs[j]);
                return new Query(String.format(format, enc)); // anything else: Formatter's rules and errors
            }
        }
        return new Query(sb.toString());
    }

    /** Encodes a path segment; '/' stays, since image names contain it and the API routes them. */
    public static String pathSegment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/").replace("%3A", ":");
    }

    public Query add(String key, String value) {
        if (value == null) return this;
        sb.append(first ? '?' : '&').append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        first = false;
        return this;
    }

    public Query add(String key, long value) {
        return add(key, Long.toString(value));
    }

    /** Adds {@code key=1} only when {@code on}. */
    public Query flag(String key, boolean on) {
        return on ? add(key, "1") : this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
