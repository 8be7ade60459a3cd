package dev.berth.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a client hands over to authenticate to a registry: a user name and password, or an
 * identity (refresh) token from an earlier login, or nothing.
 */
public record Credentials(String username, String password, String identityToken) {
    public static final Credentials ANONYMOUS = new Credentials("", "", "");

    public Credentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, "");
    }

    public boolean anonymous() {
        return username.isEmpty() && password.isEmpty() && identityToken.isEmpty();
    }

    public boolean hasIdentityToken() {
        return !identityToken.isEmpty();
    }

    /** {@code Basic base64(user:password)}. */
    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + (anonymous() ? "anonymous" : username.isEmpty() ? "token" : username) + "]";
    }
}
