package dev.berth.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A docker token realm on 127.0.0.1 for docker-registry's {@code auth: token:}: checks basic auth
 * (or a refresh token it issued), and answers an RS256 JWT granting exactly the requested scopes,
 * signed with a key whose self-signed certificate is the registry's rootcertbundle (sent as x5c).
 */
final class TokenServer implements AutoCloseable {
    static final String SERVICE = "berth-test-registry";
    static final String ISSUER = "berth-test-issuer";
    private static final String REFRESH = "refresh-" + UUID.randomUUID();

    final Path certFile;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final PrivateKey key;
    private final String certDer;
    private final String user;
    private final String password;

    TokenServer(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Files.createDirectories(dir);
        String d = dir.toString();
        RegistryFixture.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/token.key",
                "-out", d + "/token.crt", "-days", "2", "-subj", "/CN=berth token signer");
        certFile = dir.resolve("token.crt");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(dir.resolve("token.key"))));
        certDer = Base64.getEncoder().encodeToString(pem(certFile));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", ex -> {
            String q = ex.getRequestURI().getRawQuery();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String params = ex.getRequestMethod().equals("POST") ? body : q == null ? "" : q;
            requests.add(ex.getRequestMethod() + " " + URLDecoder.decode(params, StandardCharsets.UTF_8));
            List<String> scopes = new ArrayList<>();
            String refresh = null;
            for (String kv : params.split("&")) {
                int eq = kv.indexOf('=');
                if (eq < 0) continue;
                String k = kv.substring(0, eq);
                String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                if (k.equals("scope")) scopes.addAll(List.of(v.split(" ")));
                if (k.equals("refresh_token")) refresh = v;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            boolean ok = expected.equals(auth) || REFRESH.equals(refresh);
            byte[] out;
            int status;
            if (!ok) {
                status = 401;
                out = "{\"details\":\"incorrect username or password\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                String json = "{\"token\":\"" + jwt(scopes) + "\",\"expires_in\":300"
                        + (params.contains("offline_token=true") ? ",\"refresh_token\":\"" + REFRESH + "\"" : "") + "}";
                out = json.getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's {@code auth:} section. */
    String authYaml() {
        return "  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certFile + "\n";
    }

    private String jwt(List<String> scopes) throws IOException {
        try {
            StringBuilder access = new StringBuilder("[");
            for (String s : scopes) {
                String[] p = s.split(":");
                if (p.length < 3) continue;
                if (access.length() > 1) access.append(',');
                String name = String.join(":", java.util.Arrays.copyOfRange(p, 1, p.length - 1));
                access.append("{\"type\":\"").append(p[0]).append("\",\"name\":\"").append(name).append("\",\"actions\":[");
                String[] actions = p[p.length - 1].split(",");
                for (int i = 0; i < actions.length; i++) {
                    access.append(i > 0 ? "," : "").append('"').append(actions[i]).append('"');
                }
                access.append("]}");
            }
            access.append(']');
            long now = System.currentTimeMillis() / 1000;
            String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certDer + "\"]}";
            String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"aud\":\"" + SERVICE + "\",\"exp\":" + (now + 300)
                    + ",\"nbf\":" + (now - 60) + ",\"iat\":" + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":" + access + "}";
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signing = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(signing.getBytes(StandardCharsets.US_ASCII));
            return signing + "." + b64.encodeToString(sig.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] pem(Path p) throws IOException {
        String s = Files.readString(p).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(s);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
