package dev.berth.cli.registry;

import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/**
 * {@code login [-u USER] [-p PASS | --password-stdin] [SERVER]}: the daemon checks the credentials
 * against the registry ({@code POST /auth}); the CLI stores them (or the identity token the
 * registry issued) in config.json or the configured credential helper.
 */
public final class LoginCommand extends Verb {
    String username;
    String password;
    boolean passwordStdin;
    String server;

    @Override
    protected void define(Spec s) {
        s.about("Authenticate to a registry");
        s.string("-u, --username", "Username", v -> username = v);
        s.string("-p, --password", "Password or Personal Access Token (PAT)", v -> password = v);
        s.bool("--password-stdin", "Take the Password or Personal Access Token (PAT) from stdin", v -> passwordStdin = v);
        s.args("[SERVER]", 0, 1, a -> server = a.size() > 0 ? a.get(0) : null);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        if (password != null && passwordStdin) throw new CliException(1, "--password and --password-stdin are mutually exclusive");
        if (passwordStdin && (username == null || username.isEmpty())) throw new CliException(1, "Must provide --username with --password-stdin");
        if (password != null) ctx.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        String address = server == null || server.isEmpty() ? CredentialStore.HUB : server;
        String host = CredentialStore.host(address);
        if (passwordStdin) {
            password = readAll(ctx.in()).replaceAll("[\r\n]+$", "");
        }
        if (username == null || username.isEmpty()) {
            ctx.out().print("Username: ");
            ctx.out().flush();
            username = readLine(ctx.in());
        }
        if (password == null) {
            java.io.Console c = System.console();
            if (c != null && c.isTerminal()) {
                char[] p = c.readPassword("Password: ");
                password = p == null ? "" : new String(p);
            } else {
                ctx.out().print("Password: ");
                ctx.out().flush();
                password = readLine(ctx.in());
            }
        }
        if (username.isEmpty()) throw new CliException(1, "Error: Non-null Username Required");
        if (password.isEmpty()) throw new CliException(1, "Error: Password Required");
        Map<String, String> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        body.put("serveraddress", CredentialStore.key(host));
        JsonNode r = ctx.daemon().post(Query.of("/auth"), body);
        String token = r.path("IdentityToken").asString("");
        CredentialStore store = new CredentialStore(ctx.env());
        boolean helper = store.store(host, new CredentialStore.Auth(username, token.isEmpty() ? password : "", token,
                CredentialStore.key(host)));
        if (!helper) {
            ctx.err().println("WARNING! Your credentials are stored unencrypted in '" + store.file() + "'.");
            ctx.err().println("Configure a credential helper to remove this warning. See");
            ctx.err().println("https://docs.docker.com/go/credential-store/");
            ctx.err().println();
        }
        ctx.out().println(r.path("Status").asString("Login Succeeded"));
        return 0;
    }

    private static String readAll(InputStream in) throws java.io.IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        return b.toString(StandardCharsets.UTF_8).trim();
    }
}
