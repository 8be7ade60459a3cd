package dev.berth.api.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * One request and its response. A handler answers exactly once: with one of the {@code respond*}
 * methods or with {@link #hijack}. I/O failures surface as {@link java.io.UncheckedIOException}.
 */
public interface Exchange {
    String method();

    /** The request path without the {@code /vX.Y} prefix and without the query, still percent-encoded. */
    String path();

    /** The version from the path prefix, or {@link ApiVersions#CURRENT} for an unversioned path. */
    String apiVersion();

    /** A {@code {name}} or {@code {name*}} segment of the route, percent-decoded; null if the route has none. */
    String pathParam(String name);

    /** The first value of a query parameter, decoded ('+' is a space). */
    Optional<String> query(String name);

    /** Every value of a repeated query parameter, in order; empty if absent. */
    List<String> queryAll(String name);

    /**
     * Docker's boolean rule: absent gives {@code dflt}; "", "0", "false", "no", "none" (any case) are
     * false; any other value is true.
     */
    boolean queryBool(String name, boolean dflt);

    /** Absent or empty gives {@code dflt}; not a number is an INVALID_ARGUMENT (400). */
    int queryInt(String name, int dflt);

    long queryLong(String name, long dflt);

    /** The first value of a header; names are case-insensitive. */
    Optional<String> header(String name);

    /** The decoded body (Content-Length or chunked); empty if there is none. Read it before hijacking. */
    InputStream body();

    /** The body as JSON: null if empty; malformed JSON is an INVALID_ARGUMENT (400). */
    <T> T bodyJson(Class<T> type);

    /** Sends {@code value} as application/json with a Content-Length. */
    void respondJson(int status, Object value);

    /** Sends a response without a body. */
    void respond(int status);

    /** Sends {@code body}; a null content type sends no Content-Type. */
    void respondBytes(int status, String contentType, byte[] body);

    /**
     * Starts a chunked response. Each {@code flush()} sends what was written as one chunk;
     * {@code close()} ends the response (the server closes it if the handler does not).
     */
    OutputStream respondStream(int status, String contentType);

    /**
     * Leaves HTTP: answers {@code 101 UPGRADED} if the client asked for {@code Upgrade: tcp}, else
     * {@code 200 OK} with no length (docker-java's attach), then hands over the raw connection. An
     * unread request body is skipped first. The handler owns the result and must close it.
     */
    Hijacked hijack(String contentType);
}
