package dev.berth.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 hex>}. */
public record Digest(String algorithm, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!"sha256".equals(algorithm) || !SHA256.matcher(hex).matches()) {
            throw EngineException.invalid("invalid digest: %s:%s", algorithm, hex);
        }
    }

    public static Digest parse(String s) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw EngineException.invalid("invalid digest: %s", s);
        }
        return new Digest(s.substring(0, colon), s.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        return new Digest("sha256", HexFormat.of().formatHex(newSha256().digest(content)));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Digest of(MessageDigest done) {
        return new Digest("sha256", HexFormat.of().formatHex(done.digest()));
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
