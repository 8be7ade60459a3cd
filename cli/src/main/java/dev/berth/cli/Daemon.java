package dev.berth.cli;

import dev.berth.api.http.ClientResponse;
import dev.berth.api.http.Hijacked;
import dev.berth.api.http.HttpClient;
import dev.berth.common.json.JsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/**
 * The Engine API as the CLI uses it. Every error status becomes an
 * {@link dev.berth.api.http.HttpStatusException} carrying the daemon's message.
 */
public final class Daemon {
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private final HttpClient http;

    Daemon(HttpClient http) {
        this.http = http;
    }

    public JsonNode get(Query q) throws IOException {
        return http.send("GET", q.toString(), null, (byte[]) null).orThrow().json();
    }

    /** The raw body of a GET, for output that must keep the daemon's bytes (inspect). */
    public byte[] getBytes(Query q) throws IOException {
        return http.send("GET", q.toString(), null, (byte[]) null).orThrow().bytes();
    }

    /** POST with an optional JSON body; returns the JSON answer (a missing node when empty). */
    public JsonNode post(Query q, Object body) throws IOException {
        byte[] b = body == null ? null : JsonWriter.write(body).getBytes(StandardCharsets.UTF_8);
        return http.send("POST", q.toString(), b == null ? null : JSON, b).orThrow().json();
    }

    public JsonNode delete(Query q) throws IOException {
        return http.send("DELETE", q.toString(), null, (byte[]) null).orThrow().json();
    }

    /** A request whose answer is read as a stream (logs, wait, import progress). */
    public ClientResponse stream(String method, Query q, Object jsonBody) throws IOException {
        byte[] b = jsonBody == null ? null : JsonWriter.write(jsonBody).getBytes(StandardCharsets.UTF_8);
        return http.send(method, q.toString(), b == null ? null : JSON, b).orThrow();
    }

    /** A request with extra headers (X-Registry-Auth) whose answer is read as a stream (pull, push). */
    public ClientResponse stream(String method, Query q, Map<String, String> headers, Object jsonBody) throws IOException {
        byte[] b = jsonBody == null ? null : JsonWriter.write(jsonBody).getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = new java.util.HashMap<>(headers);
        if (b != null) h.putAll(JSON);
        return http.send(method, q.toString(), h, b).orThrow();
    }

    /** Uploads {@code body} chunked (import). */
    public ClientResponse upload(Query q, String contentType, InputStream body) throws IOException {
        return http.send("POST", q.toString(), Map.of("Content-Type", contentType), body).orThrow();
    }

    public Hijacked hijack(Query q, Object jsonBody) throws IOException {
        byte[] b = jsonBody == null ? null : JsonWriter.write(jsonBody).getBytes(StandardCharsets.UTF_8);
        return http.hijack("POST", q.toString(), b == null ? null : JSON, b);
    }
}
