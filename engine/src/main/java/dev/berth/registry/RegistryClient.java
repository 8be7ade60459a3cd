package dev.berth.registry;

import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.oci.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import tools.jackson.databind.JsonNode;

/**
 * The Docker registry v2 / OCI distribution API for one repository on one registry endpoint,
 * with anonymous, basic and bearer-token authentication (the {@code WWW-Authenticate} challenge
 * flow, tokens cached per scope). Thread-safe: one client serves a pull's parallel downloads.
 */
public final class RegistryClient {
    private static final Map<String, HttpClient> CLIENTS = new ConcurrentHashMap<>();
    private static final String USER_AGENT = "berth/0.1 (linux) go/compatible";

    /** A manifest or index as the registry sent it. {@code digest} is the sha256 of {@code bytes}. */
    public record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {}

    /** An open blob body; {@code offset} is where it starts (a Range the server honoured), {@code total} -1 if unknown. */
    public record BlobBody(InputStream in, long offset, long total) {}

    /** A registry endpoint: the base URL ({@code https://host:port}), and whether it is a mirror. */
    public record Endpoint(URI base, boolean mirror, boolean verifyTls) {}

    private final RegistryConfig config;
    private final String domain;
    private final String repository;
    private final Credentials creds;
    private final Set<String> scopes;
    private final Endpoint endpoint;
    private final HttpClient http;
    private volatile String authorization;
    private volatile AuthChallenge challenge;

    private RegistryClient(RegistryConfig config, String domain, String repository, Credentials creds, Set<String> scopes,
            Endpoint endpoint, HttpClient http) {
        this.config = config;
        this.domain = domain;
        this.repository = repository;
        this.creds = creds;
        this.scopes = scopes;
        this.endpoint = endpoint;
        this.http = http;
    }

    /** The endpoints to try for {@code domain}, best first: mirrors (pulls from Docker Hub only), HTTPS, then HTTP when insecure. */
    public static List<Endpoint> endpoints(RegistryConfig config, String domain, boolean pull) {
        List<Endpoint> out = new ArrayList<>();
        boolean hub = domain.equals("docker.io");
        if (hub && pull) {
            for (URI m : config.mirrors()) {
                String host = m.getAuthority();
                boolean insecure = config.isInsecure(host);
                boolean hasCa = Files.isDirectory(config.certsFor(host));
                out.add(new Endpoint(m, true, !insecure || hasCa));
            }
        }
        String host = hub ? RegistryConfig.DOCKER_HUB_API : domain;
        boolean insecure = config.isInsecure(host);
        boolean hasCa = Files.isDirectory(config.certsFor(host));
        out.add(new Endpoint(URI.create("https://" + host), false, !insecure || hasCa));
        if (insecure) {
            out.add(new Endpoint(URI.create("http://" + host), false, false));
        }
        return out;
    }

    /**
     * Connects to the first endpoint of {@code domain} that answers {@code GET /v2/} and prepares
     * authentication for {@code repository} with the given actions ({@code pull}, {@code push}).
     * {@code extraScopes} are more scopes to ask for (cross-repository mounts).
     */
    public static RegistryClient connect(RegistryConfig config, String domain, String repository, Credentials creds,
            List<String> actions, List<String> extraScopes) throws IOException {
        IOException last = null;
        RuntimeException lastRt = null;
        for (Endpoint e : endpoints(config, domain, !actions.contains("push"))) {
            try {
                return connect(config, e, domain, repository, creds, actions, extraScopes);
            } catch (IOException ex) {
                last = ex;
            } catch (RegistryException ex) {
                if (ex.status() == 401 || ex.status() == 403) {
                    throw ex;
                }
                lastRt = ex;
            }
        }
        if (last != null) {
            throw last;
        }
        throw lastRt;
    }

    /** Connects to one endpoint. */
    public static RegistryClient connect(RegistryConfig config, Endpoint e, String domain, String repository,
            Credentials creds, List<String> actions, List<String> extraScopes) throws IOException {
        Set<String> scopes = new LinkedHashSet<>();
        if (repository != null && !repository.isEmpty()) {
            scopes.add("repository:" + repository + ":" + String.join(",", actions));
        }
        scopes.addAll(extraScopes);
        HttpClient http = httpClient(config, e);
        RegistryClient c = new RegistryClient(config, domain, repository, creds, scopes, e, http);
        c.ping();
        return c;
    }

    /**
     * Checks {@code creds} against the registry as {@code docker login} does: a token request for
     * no scope (token realms), or {@code GET /v2/} with basic auth.
     *
     * @return the identity token the realm issued (refresh token), or empty
     * @throws RegistryException UNAUTHORIZED "unauthorized: incorrect username or password"
     */
    public static String login(RegistryConfig config, String domain, Credentials creds) throws IOException {
        IOException last = null;
        for (Endpoint e : endpoints(config, domain, false)) {
            HttpClient http;
            try {
                http = httpClient(config, e);
            } catch (IOException ex) {
                last = ex;
                continue;
            }
            RegistryClient c = new RegistryClient(config, domain, "", creds, Set.of(), e, http);
            try {
                return c.checkLogin();
            } catch (IOException ex) {
                last = ex;
            }
        }
        throw last;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String repository() {
        return repository;
    }

    // ---- API calls --------------------------------------------------------------------------

    /** {@code GET /v2/<name>/manifests/<reference>}; a digest reference is verified. */
    public FetchedManifest manifest(String reference) throws IOException {
        HttpResponse<byte[]> r = send(() -> request("manifests/" + reference).header("Accept", MediaTypes.acceptManifests()).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw error(r.statusCode(), r.body());
        }
        byte[] body = r.body();
        Digest actual = Digest.sha256(body);
        if (reference.startsWith("sha256:") && !actual.toString().equals(reference)) {
            throw EngineException.invalid("manifest verification failed for digest %s", reference);
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        if (type.isEmpty() || type.equals("application/json") || type.equals("text/plain")) {
            type = Json.MAPPER.readTree(body).path("mediaType").asString("");
        }
        return new FetchedManifest(body, type, actual);
    }

    /** {@code GET /v2/<name>/blobs/<digest>}, from {@code offset} with a Range request when it is not 0. */
    public BlobBody blob(Digest digest, long offset) throws IOException {
        Optional<BlobStream.Response> direct = directBlob(digest, offset);
        HttpResponse<InputStream> r = direct.isPresent() ? null : send(() -> {
            HttpRequest.Builder b = request("blobs/" + digest).GET();
            if (offset > 0) {
                b.header("Range", "bytes=" + offset + "-");
            }
            return b;
        }, HttpResponse.BodyHandlers.ofInputStream());
        int s = direct.map(BlobStream.Response::status).orElseGet(() -> r.statusCode());
        java.net.http.HttpHeaders headers = direct.map(BlobStream.Response::headers).orElseGet(() -> r.headers());
        if (s == 200 || s == 206) {
            long start = 0;
            long total = headers.firstValueAsLong("Content-Length").orElse(-1);
            if (s == 206) {
                Optional<String> cr = headers.firstValue("Content-Range"); // bytes a-b/total
                if (cr.isPresent() && cr.get().startsWith("bytes ")) {
                    String spec = cr.get().substring(6);
                    start = Long.parseLong(spec.substring(0, spec.indexOf('-')));
                    String t = spec.substring(spec.indexOf('/') + 1);
                    total = t.equals("*") ? -1 : Long.parseLong(t);
                } else {
                    start = offset;
                    total = total < 0 ? -1 : offset + total;
                }
            }
            InputStream body = direct.map(BlobStream.Response::body).orElseGet(() -> r.body());
            return new BlobBody(StallWatch.watch(body, config.readTimeout(), "GET " + endpoint.base() + "/v2/" + repository
                    + "/blobs/" + digest), start, total);
        }
        if (s == 416 && offset > 0) {
            r.body().close();
            return blob(digest, 0); // our partial is longer than the blob: start over
        }
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readAllBytes();
        }
        throw error(s, body);
    }

    /**
     * The blob through {@link BlobStream} when the registry answers 200 or 206 to the credentials
     * held now; empty otherwise (then the HTTP client asks, authenticating as needed).
     */
    private Optional<BlobStream.Response> directBlob(Digest digest, long offset) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("User-Agent", USER_AGENT);
        String auth = authorization;
        if (auth != null) {
            h.put("Authorization", auth);
        }
        if (offset > 0) {
            h.put("Range", "bytes=" + offset + "-");
        }
        return BlobStream.get(URI.create(endpoint.base() + "/v2/" + repository + "/blobs/" + digest), h, http.sslContext(),
                config.connectTimeout(), config.readTimeout());
    }

    /** Blob bytes in memory (configs); verified. */
    public byte[] blobBytes(Digest digest) throws IOException {
        BlobBody b = blob(digest, 0);
        byte[] bytes;
        try (InputStream in = b.in()) {
            bytes = in.readAllBytes();
        }
        if (!Digest.sha256(bytes).equals(digest)) {
            throw EngineException.invalid("blob verification failed for digest %s", digest);
        }
        return bytes;
    }

    /** {@code HEAD /v2/<name>/blobs/<digest>}. */
    public boolean blobExists(Digest digest) throws IOException {
        HttpResponse<Void> r = send(() -> request("blobs/" + digest).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw error(r.statusCode(), new byte[0]);
    }

    /**
     * Cross-repository mount: {@code POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>}.
     * Returns false when the registry started an upload instead (then nothing is left pending).
     */
    public boolean mount(Digest digest, String fromRepository) throws IOException {
        String q = "blobs/uploads/?mount=" + digest + "&from=" + URLEncoder.encode(fromRepository, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send(() -> request(q).POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 201) {
            return true;
        }
        if (r.statusCode() == 202) {
            r.headers().firstValue("Location").ifPresent(loc -> cancelUpload(resolve(loc)));
            return false;
        }
        throw error(r.statusCode(), r.body());
    }

    /**
     * Uploads a blob: monolithic ({@code POST} then one {@code PUT}) when it is not larger than
     * {@code chunkSize}, else chunked ({@code PATCH} per chunk with {@code Content-Range}, then
     * {@code PUT ?digest=}). {@code content} is opened once per attempt.
     */
    public void upload(Digest digest, long size, IOSupplier<InputStream> content, long chunkSize, LongConsumer progress)
            throws IOException {
        HttpResponse<byte[]> start = send(() -> request("blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofByteArray());
        if (start.statusCode() != 202) {
            throw error(start.statusCode(), start.body());
        }
        URI location = resolve(start.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("registry sent no upload location")));
        if (size <= chunkSize) {
            HttpResponse<byte[]> r = send(() -> {
                return HttpRequest.newBuilder(withQuery(location, "digest=" + digest)).timeout(Duration.ofHours(1))
                        .header("User-Agent", USER_AGENT).header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                                () -> counting(open(content), 0, progress)), size));
            }, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 201) {
                throw error(r.statusCode(), r.body());
            }
            return;
        }
        try (InputStream in = content.get()) {
            long sent = 0;
            URI loc = location;
            while (sent < size) {
                int n = (int) Math.min(chunkSize, size - sent);
                byte[] chunk = in.readNBytes(n);
                if (chunk.length != n) {
                    throw new IOException("blob " + digest + " shorter than its size " + size);
                }
                final URI target = loc;
                final long from = sent;
                HttpResponse<byte[]> r = send(() -> HttpRequest.newBuilder(target).timeout(Duration.ofHours(1))
                        .header("User-Agent", USER_AGENT).header("Content-Type", "application/octet-stream")
                        .header("Content-Range", from + "-" + (from + chunk.length - 1))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk)), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 202) {
                    throw error(r.statusCode(), r.body());
                }
                sent += n;
                progress.accept(sent);
                loc = resolve(r.headers().firstValue("Location").orElse(target.toString()));
            }
            final URI target = loc;
            HttpResponse<byte[]> r = send(() -> HttpRequest.newBuilder(withQuery(target, "digest=" + digest))
                    .header("User-Agent", USER_AGENT).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 201) {
                throw error(r.statusCode(), r.body());
            }
        }
    }

    /** {@code PUT /v2/<name>/manifests/<reference>}; returns the digest the registry reports (or computes). */
    public Digest putManifest(String reference, String mediaType, byte[] bytes) throws IOException {
        HttpResponse<byte[]> r = send(() -> request("manifests/" + reference).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw error(r.statusCode(), r.body());
        }
        return r.headers().firstValue("Docker-Content-Digest").map(Digest::parse).orElse(Digest.sha256(bytes));
    }

    /** {@code GET /v2/<name>/tags/list}, following {@code Link} pagination. */
    public List<String> tags() throws IOException {
        List<String> out = new ArrayList<>();
        String next = "tags/list";
        while (next != null) {
            String path = next;
            HttpResponse<byte[]> r = send(() -> path.startsWith("/") ? requestAbsolute(path).GET() : request(path).GET(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw error(r.statusCode(), r.body());
            }
            Json.MAPPER.readTree(r.body()).path("tags").forEach(t -> out.add(t.asString()));
            next = r.headers().firstValue("Link").map(l -> l.replaceAll(".*<([^>]*)>.*", "$1")).orElse(null);
        }
        return out;
    }

    // ---- plumbing ---------------------------------------------------------------------------

    @FunctionalInterface
    public interface IOSupplier<T> {
        T get() throws IOException;
    }

    private static InputStream open(IOSupplier<InputStream> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static InputStream counting(InputStream in, long start, LongConsumer progress) {
        return new java.io.FilterInputStream(in) {
            long n = start;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r > 0) {
                    n += r;
                    progress.accept(n);
                }
                return r;
            }
        };
    }

    private HttpRequest.Builder request(String tail) {
        return HttpRequest.newBuilder(URI.create(endpoint.base() + "/v2/" + repository + "/" + tail))
                .timeout(config.readTimeout()).header("User-Agent", USER_AGENT);
    }

    private HttpRequest.Builder requestAbsolute(String path) {
        return HttpRequest.newBuilder(URI.create(endpoint.base() + path)).header("User-Agent", USER_AGENT);
    }

    private URI resolve(String location) {
        return URI.create(endpoint.base() + "/").resolve(location);
    }

    private static URI withQuery(URI u, String q) {
        String s = u.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + q);
    }

    private void cancelUpload(URI location) {
        try {
            send(() -> HttpRequest.newBuilder(location).header("User-Agent", USER_AGENT).DELETE(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException ignored) {
            // the registry expires abandoned uploads itself
        }
    }

    /** Sends with the current authorization; on a 401 authenticates per its challenge and retries once. */
    private <T> HttpResponse<T> send(Supplier<HttpRequest.Builder> req, HttpResponse.BodyHandler<T> handler) throws IOException {
        HttpResponse<T> r = sendOnce(req.get(), handler);
        if (r.statusCode() == 401) {
            List<AuthChallenge> cs = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            discard(r);
            if (cs.isEmpty() || !authenticate(cs.getFirst(), false)) {
                return sendOnce(req.get(), handler); // same answer, now for the caller to report
            }
            r = sendOnce(req.get(), handler);
        }
        return r;
    }

    private <T> HttpResponse<T> sendOnce(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
        String auth = authorization;
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpRequest request = b.build();
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + request.method() + " " + request.uri());
        } catch (IOException e) {
            throw describe(request, e);
        }
    }

    private static void discard(HttpResponse<?> r) {
        if (r.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** Docker's rendering of transport errors: {@code Get "https://h/v2/": <cause>}. */
    private static IOException describe(HttpRequest request, IOException e) {
        String method = request.method().charAt(0) + request.method().substring(1).toLowerCase(Locale.ROOT);
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SSLException && request.uri().getScheme().equals("https")
                && cause.contains("Unsupported or unrecognized SSL message")) {
            cause = "http: server gave HTTP response to HTTPS client";
        } else if (e instanceof SSLException && cause.contains("Received fatal alert: ")) {
            // the server refused the handshake, e.g. for want of a client certificate: Go's words
            cause = "remote error: tls: " + cause.substring(cause.indexOf("Received fatal alert: ") + 22).replace('_', ' ');
        } else if (e instanceof SSLException && (cause.contains("PKIX") || cause.contains("certificate")
                || cause.contains("subject alternative") || cause.contains("No name matching"))) {
            cause = "tls: failed to verify certificate: " + x509Reason(cause, request.uri().getHost());
        } else if (unresolved(e)) {
            cause = "dial tcp: lookup " + request.uri().getHost() + ": no such host";
        } else if (e instanceof HttpConnectTimeoutException) {
            cause = "dial tcp " + request.uri().getAuthority() + ": i/o timeout";
        } else if (e instanceof java.net.http.HttpTimeoutException) {
            cause = "net/http: request canceled (Client.Timeout exceeded while awaiting headers)";
        } else if (e instanceof ConnectException) {
            cause = "dial tcp " + request.uri().getAuthority() + ": connect: connection refused";
        }
        return new IOException(method + " \"" + request.uri() + "\": " + cause, e);
    }

    /** The JDK reports a name it cannot resolve as a ConnectException caused by UnresolvedAddressException. */
    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** Go's crypto/x509 wording for what the JDK says about a certificate it refused. */
    static String x509Reason(String jdkMessage, String host) {
        if (jdkMessage.contains("PKIX path building failed") || jdkMessage.contains("unable to find valid certification path")) {
            return "x509: certificate signed by unknown authority";
        }
        if (jdkMessage.contains("validity check failed") || jdkMessage.contains("CertificateExpired")
                || jdkMessage.contains("CertificateNotYetValid")) {
            return "x509: certificate has expired or is not yet valid";
        }
        if (jdkMessage.contains("subject alternative") || jdkMessage.contains("No name matching")) {
            return "x509: certificate is not valid for " + host;
        }
        return "x509: " + jdkMessage;
    }

    /** {@code GET /v2/}: finds out how to authenticate, and does so for this client's scopes. */
    private void ping() throws IOException {
        HttpResponse<byte[]> r = sendOnce(HttpRequest.newBuilder(URI.create(endpoint.base() + "/v2/"))
                .timeout(config.readTimeout()).header("User-Agent", USER_AGENT).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 401) {
            List<AuthChallenge> cs = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            if (!cs.isEmpty()) {
                authenticate(cs.getFirst(), false);
            }
        } else if (r.statusCode() != 200) {
            throw new IOException("GET " + endpoint.base() + "/v2/: not a registry v2 endpoint (status " + r.statusCode() + ")");
        }
    }

    private String checkLogin() throws IOException {
        HttpResponse<byte[]> r = sendOnce(HttpRequest.newBuilder(URI.create(endpoint.base() + "/v2/"))
                .timeout(config.readTimeout()).header("User-Agent", USER_AGENT).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 200) {
            return "";
        }
        if (r.statusCode() != 401) {
            throw new IOException("login attempt to " + endpoint.base() + "/v2/ failed with status: " + r.statusCode());
        }
        List<AuthChallenge> cs = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        if (cs.isEmpty()) {
            throw new RegistryException(401, "UNAUTHORIZED", "unauthorized: authentication required");
        }
        AuthChallenge c = cs.getFirst();
        if (c.scheme().equals("bearer")) {
            return fetchToken(c, true).refreshToken();
        }
        authenticate(c, true);
        HttpResponse<byte[]> again = sendOnce(HttpRequest.newBuilder(URI.create(endpoint.base() + "/v2/"))
                .header("User-Agent", USER_AGENT).GET(), HttpResponse.BodyHandlers.ofByteArray());
        if (again.statusCode() == 200) {
            return "";
        }
        throw new RegistryException(401, "UNAUTHORIZED", "unauthorized: incorrect username or password");
    }

    /** Sets {@link #authorization} per the challenge. Returns false if it cannot (no credentials for basic). */
    private synchronized boolean authenticate(AuthChallenge c, boolean login) throws IOException {
        this.challenge = c;
        switch (c.scheme()) {
            case "basic" -> {
                if (creds.username().isEmpty()) {
                    return false;
                }
                authorization = creds.basicHeader();
                return true;
            }
            case "bearer" -> {
                authorization = "Bearer " + fetchToken(c, login).token();
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private record Token(String token, String refreshToken) {}

    /** Fetches (or reuses) a bearer token for this client's scopes from the challenge's realm. */
    private Token fetchToken(AuthChallenge c, boolean login) throws IOException {
        String realm = c.param("realm");
        if (realm.isEmpty()) {
            throw new IOException("bearer challenge without realm from " + endpoint.base());
        }
        String service = c.param("service");
        List<String> wanted = new ArrayList<>(scopes);
        if (wanted.isEmpty() && !c.param("scope").isEmpty()) {
            wanted.add(c.param("scope"));
        }
        String key = realm + "|" + service + "|" + String.join(" ", wanted) + "|" + creds.username() + "|"
                + Integer.toHexString((creds.password() + creds.identityToken()).hashCode());
        if (!login) {
            Optional<String> cached = TokenCache.get(key);
            if (cached.isPresent()) {
                return new Token(cached.get(), "");
            }
        }
        HttpRequest.Builder b;
        if (creds.hasIdentityToken()) {
            StringBuilder form = new StringBuilder("grant_type=refresh_token&client_id=berth&access_type=offline");
            form.append("&refresh_token=").append(enc(creds.identityToken()));
            form.append("&service=").append(enc(service));
            if (!wanted.isEmpty()) {
                form.append("&scope=").append(enc(String.join(" ", wanted)));
            }
            b = HttpRequest.newBuilder(URI.create(realm)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        } else {
            StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
            q.append("service=").append(enc(service));
            for (String s : wanted) {
                q.append("&scope=").append(enc(s));
            }
            if (!creds.username().isEmpty()) {
                q.append("&account=").append(enc(creds.username()));
            }
            if (login) {
                q.append("&client_id=berth&offline_token=true");
            }
            b = HttpRequest.newBuilder(URI.create(q.toString())).GET();
            if (!creds.username().isEmpty()) {
                b.header("Authorization", creds.basicHeader());
            }
        }
        b.timeout(config.readTimeout()).header("User-Agent", USER_AGENT);
        HttpRequest request = b.build();
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (IOException e) {
            throw describe(request, e);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            if (creds.anonymous()) {
                throw new RegistryException(401, "UNAUTHORIZED", "unauthorized: authentication required");
            }
            throw new RegistryException(401, "UNAUTHORIZED", "unauthorized: incorrect username or password");
        }
        if (r.statusCode() != 200) {
            throw new IOException("token request to " + realm + " failed with status " + r.statusCode());
        }
        JsonNode j = Json.MAPPER.readTree(r.body());
        String token = j.path("token").asString("");
        if (token.isEmpty()) {
            token = j.path("access_token").asString("");
        }
        if (token.isEmpty()) {
            throw new IOException("token realm " + realm + " returned no token");
        }
        TokenCache.put(key, token, j.path("expires_in").asLong(60));
        return new Token(token, j.path("refresh_token").asString(""));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Turns an error answer into Docker's wording: {@code <code words>: <message>}. */
    RegistryException error(int status, byte[] body) {
        String code = "";
        String message = "";
        try {
            JsonNode errors = Json.MAPPER.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                code = errors.get(0).path("code").asString("");
                message = errors.get(0).path("message").asString("");
            }
        } catch (RuntimeException notJson) {
            // plain-text error bodies are common on proxies
        }
        String text;
        if (!code.isEmpty()) {
            text = code.toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + message;
        } else {
            text = switch (status) {
                case 401 -> "unauthorized: authentication required";
                case 403 -> "denied: requested access to the resource is denied";
                case 404 -> "not found";
                default -> "received unexpected HTTP status: " + status;
            };
            code = switch (status) {
                case 401 -> "UNAUTHORIZED";
                case 403 -> "DENIED";
                default -> "";
            };
        }
        return new RegistryException(status, code, text);
    }

    private static HttpClient httpClient(RegistryConfig config, Endpoint e) throws IOException {
        String host = e.base().getAuthority();
        Path certs = config.certsFor(host);
        String key = e.base().getScheme() + "|" + (e.verifyTls() ? "verify|" : "insecure|") + certs + "|" + mtime(certs) + "|"
                + config.connectTimeout();
        HttpClient c = CLIENTS.get(key);
        if (c != null) {
            return c;
        }
        SSLContext ssl = e.verifyTls() ? Tls.verifying(certs) : Tls.trustingAll(certs);
        c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).sslContext(ssl).build();
        CLIENTS.put(key, c);
        return c;
    }

    private static long mtime(Path dir) {
        try {
            long m = Files.getLastModifiedTime(dir).toMillis();
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    m = Math.max(m, Files.getLastModifiedTime(p).toMillis());
                }
            }
            return m;
        } catch (IOException e) {
            return 0;
        }
    }

    /** True for failures of this kind: the registry says the credentials are wrong or missing. */
    public static boolean isAuthError(Throwable t) {
        return t instanceof EngineException ee && (ee.kind() == ErrorKind.UNAUTHORIZED || ee.kind() == ErrorKind.FORBIDDEN);
    }
}
