package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.image.DistributionService;
import dev.berth.image.Progress;
import dev.berth.registry.Credentials;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Registry routes: pull ({@code POST /images/create?fromImage=}), {@code POST /images/{name}/push},
 * {@code POST /auth} and {@code GET /distribution/{name}/json}. Pull and push answer a stream of
 * Docker JSON messages; a failure before the first message is an HTTP error (what the docker CLI
 * prints as "Error response from daemon"), a later one an {@code errorDetail} message.
 */
public final class DistributionRoutes {
    private final DistributionService dist;

    public DistributionRoutes(DistributionService dist) {
        this.dist = dist;
    }

    public void register(Router router) {
        router.post("/images/{name*}/push", this::push);
        router.post("/auth", this::auth);
        router.get("/distribution/{name*}/json", this::inspect);
    }

    /** {@code POST /images/create?fromImage=name&tag=tag|digest&platform=}; no tag and a bare name pulls every tag. */
    public void pull(Exchange ex) {
        String from = ex.query("fromImage").orElse("");
        if (from.isEmpty()) {
            throw EngineException.invalid("either fromImage or fromSrc is required");
        }
        String tag = ex.query("tag").orElse("");
        String ref = from;
        boolean all = false;
        if (!tag.isEmpty()) {
            ref = from + (tag.contains(":") ? "@" : ":") + tag;
        } else {
            var parsed = dev.berth.oci.ImageReference.parse(from);
            all = parsed.tag().isEmpty() && parsed.digest().isEmpty();
        }
        Credentials creds = credentials(ex);
        String reference = ref;
        boolean allTags = all;
        Optional<String> platform = ex.query("platform").filter(s -> !s.isEmpty());
        stream(ex, p -> dist.pull(reference, allTags, platform, creds, p));
    }

    /** {@code POST /images/{name}/push?tag=}; an empty tag pushes every local tag of the repository. */
    private void push(Exchange ex) {
        String name = ex.pathParam("name");
        String tag = ex.query("tag").orElse("");
        var parsed = dev.berth.oci.ImageReference.parse(name);
        boolean all = tag.isEmpty() && parsed.tag().isEmpty();
        String ref = tag.isEmpty() ? name : name + ":" + tag;
        Credentials creds = credentials(ex);
        stream(ex, p -> dist.push(ref, all, creds, p));
    }

    private void auth(Exchange ex) {
        JsonNode body = ex.bodyJson(JsonNode.class);
        if (body == null) {
            throw EngineException.invalid("missing auth configuration");
        }
        Credentials c = fromAuthConfig(body);
        String server = body.path("serveraddress").asString("");
        String token = dist.login(server, c);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Status", "Login Succeeded");
        out.put("IdentityToken", token);
        ex.respondJson(200, out);
    }

    private void inspect(Exchange ex) {
        ex.respondJson(200, dist.inspect(ex.pathParam("name"), credentials(ex)));
    }

    /** Decodes {@code X-Registry-Auth}: base64url (or standard base64) JSON of an AuthConfig. */
    static Credentials credentials(Exchange ex) {
        Optional<String> h = ex.header("X-Registry-Auth").map(String::trim).filter(s -> !s.isEmpty());
        if (h.isEmpty()) {
            return Credentials.ANONYMOUS;
        }
        return decodeAuth(h.get());
    }

    static Credentials decodeAuth(String header) {
        byte[] json;
        try {
            String s = header.replace('+', '-').replace('/', '_').replace("=", "");
            json = Base64.getUrlDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return Credentials.ANONYMOUS; // Docker ignores an undecodable header too
        }
        try {
            return fromAuthConfig(Json.MAPPER.readTree(json));
        } catch (RuntimeException e) {
            return Credentials.ANONYMOUS;
        }
    }

    private static Credentials fromAuthConfig(JsonNode j) {
        String user = j.path("username").asString("");
        String pass = j.path("password").asString("");
        String auth = j.path("auth").asString("");
        if (user.isEmpty() && !auth.isEmpty()) {
            String plain = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            if (colon > 0) {
                user = plain.substring(0, colon);
                pass = plain.substring(colon + 1);
            }
        }
        return new Credentials(user, pass, j.path("identitytoken").asString(""));
    }

    @FunctionalInterface
    private interface Job {
        void run(Progress p);
    }

    private static void stream(Exchange ex, Job job) {
        JsonProgress p = new JsonProgress(ex);
        try {
            job.run(p);
        } catch (RuntimeException e) {
            if (!p.started()) {
                throw e; // nothing sent yet: a proper error status
            }
            p.error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        p.close();
    }

    /** Docker's jsonmessage stream, opened at the first message. */
    static final class JsonProgress implements Progress {
        private final Exchange ex;
        private OutputStream out;
        private boolean broken;

        JsonProgress(Exchange ex) {
            this.ex = ex;
        }

        synchronized boolean started() {
            return out != null;
        }

        @Override
        public void status(String id, String status) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            if (id != null) {
                m.put("progressDetail", Map.of());
                m.put("id", id);
            }
            write(m);
        }

        @Override
        public void progress(String id, String status, long current, long total) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("current", current);
            if (total > 0) {
                detail.put("total", total);
            }
            m.put("progressDetail", detail);
            m.put("progress", bar(current, total));
            m.put("id", id);
            write(m);
        }

        @Override
        public void aux(Object value) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("progressDetail", Map.of());
            m.put("aux", value);
            write(m);
        }

        /** A line of text for the client to print as it is ({@code {"stream": ...}}, as load's results). */
        void stream(String text) {
            write(new LinkedHashMap<>(Map.of("stream", text)));
        }

        void error(String message) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("errorDetail", Map.of("message", message));
            m.put("error", message);
            write(m);
        }

        private synchronized void write(Map<String, Object> m) {
            if (broken) {
                return;
            }
            try {
                if (out == null) {
                    out = ex.respondStream(200, "application/json");
                }
                out.write((Json.string(m) + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | RuntimeException e) {
                broken = true; // the client went away; the pull still completes into the store
            }
        }

        synchronized void close() {
            try {
                if (out == null) {
                    out = ex.respondStream(200, "application/json");
                }
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // client gone
            }
        }
    }

    /** Docker's progress text: {@code [=====>      ]  1.2MB/3.4MB}. */
    static String bar(long current, long total) {
        if (total <= 0) {
            return String.format("%8s", humanSize(current));
        }
        int pct = (int) Math.min(50, (current * 100 / total) / 2);
        String box = "[" + "=".repeat(pct) + ">" + " ".repeat(50 - pct) + "] ";
        return box + String.format("%8s/%s", humanSize(current), humanSize(total));
    }

    /** go-units HumanSize: decimal units, 4 significant digits. */
    static String humanSize(double size) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        int i = 0;
        while (size >= 1000 && i < units.length - 1) {
            size /= 1000;
            i++;
        }
        BigDecimal d = new BigDecimal(size).round(new MathContext(4)).stripTrailingZeros();
        return d.toPlainString() + units[i];
    }
}
