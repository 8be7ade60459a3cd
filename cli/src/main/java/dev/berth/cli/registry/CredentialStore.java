package dev.berth.cli.registry;

import dev.berth.cli.CliException;
import dev.berth.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.berth.common.json.JsonNode;
import dev.berth.common.json.ObjectNode;

/**
 * Registry credentials in a Docker-compatible {@code config.json}: {@code auths} entries with a
 * base64 {@code auth} (or an {@code identitytoken}), or a credential helper
 * ({@code credHelpers} per registry, {@code credsStore} for all) spoken to with the
 * docker-credential-* protocol ({@code get}/{@code store}/{@code erase} over stdin/stdout). The
 * file is {@code $BERTH_CONFIG/config.json}, else {@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}, so berth and docker share logins. Unknown keys are kept.
 */
public final class CredentialStore {
    /** Docker Hub's key in {@code auths}. */
    public static final String HUB = "https://index.docker.io/v1/";

    /** A stored login. {@code identityToken} replaces the password when the registry issued one. */
    public record Auth(String username, String password, String identityToken, String serverAddress) {}

    private final Path file;
    private final Map<String, String> env;

    public CredentialStore(Map<String, String> env) {
        this.env = env;
        String dir = env.get("BERTH_CONFIG");
        if (dir == null || dir.isEmpty()) dir = env.get("DOCKER_CONFIG");
        if (dir == null || dir.isEmpty()) dir = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker").toString();
        this.file = Path.of(dir, "config.json");
    }

    public Path file() {
        return file;
    }

    /** The key of a registry host in config.json ({@code docker.io} → Docker Hub's URL). */
    public static String key(String host) {
        return host.equals("docker.io") ? HUB : host;
    }

    /** Registry host of a server address as given to login ({@code https://h:5000/v2/} → {@code h:5000}). */
    public static String host(String server) {
        String s = server.trim().replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) s = s.substring(0, slash);
        if (s.isEmpty() || s.equals("index.docker.io") || s.equals("registry-1.docker.io") || s.equals("docker.io")) return "docker.io";
        return s;
    }

    public Optional<Auth> get(String host) throws IOException {
        ObjectNode cfg = read();
        String key = key(host);
        Optional<String> helper = helperFor(cfg, host);
        if (helper.isPresent()) {
            Helper.Result r = Helper.run(helper.get(), "get", key);
            if (r.code() != 0) {
                if (r.out().contains("credentials not found")) return Optional.empty();
                throw new CliException(1, "error getting credentials - err: exit status " + r.code() + ", out: `" + r.out().trim() + "`");
            }
            JsonNode j = JsonNode.parse(r.out());
            String user = j.path("Username").asString("");
            String secret = j.path("Secret").asString("");
            if (user.equals("<token>")) return Optional.of(new Auth("", "", secret, key));
            return Optional.of(new Auth(user, secret, "", key));
        }
        JsonNode auths = cfg.path("auths");
        for (String k : List.of(key, "https://" + host, "http://" + host, "https://" + host + "/v2/", "https://" + host + "/v1/")) {
            JsonNode a = auths.path(k);
            if (a.isObject()) {
                String user = a.path("username").asString("");
                String pass = a.path("password").asString("");
                String auth = a.path("auth").asString("");
                if (!auth.isEmpty()) {
                    String plain = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                    int colon = plain.indexOf(':');
                    if (colon >= 0) {
                        user = plain.substring(0, colon);
                        pass = plain.substring(colon + 1);
                    }
                }
                return Optional.of(new Auth(user, pass, a.path("identitytoken").asString(""), key));
            }
        }
        return Optional.empty();
    }

    /** Stores a login; returns true if it went to a credential helper, false if into the file. */
    public boolean store(String host, Auth auth) throws IOException {
        ObjectNode cfg = read();
        String key = key(host);
        Optional<String> helper = helperFor(cfg, host);
        ObjectNode auths = cfg.has("auths") && cfg.get("auths").isObject() ? (ObjectNode) cfg.get("auths") : cfg.putObject("auths");
        if (helper.isPresent()) {
            boolean token = !auth.identityToken().isEmpty();
            ObjectNode in = new ObjectNode();
            in.put("ServerURL", key);
            in.put("Username", token ? "<token>" : auth.username());
            in.put("Secret", token ? auth.identityToken() : auth.password());
            Helper.Result r = Helper.run(helper.get(), "store", in.toString());
            if (r.code() != 0) {
                throw new CliException(1, "Error saving credentials: error storing credentials - err: exit status " + r.code()
                        + ", out: `" + r.out().trim() + "`");
            }
            auths.putObject(key); // Docker keeps an empty entry so `docker info` lists the registry
        } else {
            ObjectNode e = auths.putObject(key);
            if (auth.identityToken().isEmpty()) {
                e.put("auth", Base64.getEncoder().encodeToString((auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)));
            } else {
                e.put("auth", Base64.getEncoder().encodeToString((auth.username() + ":").getBytes(StandardCharsets.UTF_8)));
                e.put("identitytoken", auth.identityToken());
            }
        }
        write(cfg);
        return helper.isPresent();
    }

    /** Removes a login; returns false if there was none. */
    public boolean erase(String host) throws IOException {
        ObjectNode cfg = read();
        String key = key(host);
        boolean had = false;
        Optional<String> helper = helperFor(cfg, host);
        if (helper.isPresent()) {
            Helper.Result r = Helper.run(helper.get(), "erase", key);
            had = r.code() == 0;
        }
        if (cfg.path("auths").isObject()) {
            ObjectNode auths = (ObjectNode) cfg.get("auths");
            for (String k : List.of(key, "https://" + host, "http://" + host)) {
                if (auths.has(k)) {
                    auths.remove(k);
                    had = true;
                }
            }
        }
        write(cfg);
        return had;
    }

    /** The {@code X-Registry-Auth} header value for {@code host}: base64url JSON of the AuthConfig, or null. */
    public String header(String host) throws IOException {
        Optional<Auth> a = get(host);
        if (a.isEmpty()) return null;
        return encode(a.get());
    }

    public static String encode(Auth a) {
        ObjectNode j = new ObjectNode();
        if (!a.username().isEmpty()) j.put("username", a.username());
        if (!a.password().isEmpty()) j.put("password", a.password());
        if (!a.identityToken().isEmpty()) j.put("identitytoken", a.identityToken());
        j.put("serveraddress", a.serverAddress());
        return Base64.getUrlEncoder().encodeToString(j.toBytes());
    }

    private Optional<String> helperFor(ObjectNode cfg, String host) {
        String h = cfg.path("credHelpers").path(host).asString("");
        if (h.isEmpty() && host.equals("docker.io")) h = cfg.path("credHelpers").path("index.docker.io").asString("");
        if (h.isEmpty()) h = cfg.path("credsStore").asString("");
        return h.isEmpty() ? Optional.empty() : Optional.of(h);
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) return new ObjectNode();
        byte[] b = Files.readAllBytes(file);
        if (b.length == 0) return new ObjectNode();
        JsonNode j = JsonNode.parse(b);
        return j.isObject() ? (ObjectNode) j : new ObjectNode();
    }

    private void write(ObjectNode cfg) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, (cfg.toPrettyString("\t") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    /** Runs {@code docker-credential-<name> <action>} with {@code input} on stdin. */
    static final class Helper {
        record Result(int code, String out) {}

        static Result run(String name, String action, String input) throws IOException {
            String exe = "docker-credential-" + name;
            Process p;
            try {
                p = new ProcessBuilder(exe, action).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new CliException(1, "error getting credentials - err: exec: \"" + exe + "\": executable file not found in $PATH, out: ``");
            }
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new CliException(1, exe + " " + action + " timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            return new Result(p.exitValue(), out);
        }
    }
}
