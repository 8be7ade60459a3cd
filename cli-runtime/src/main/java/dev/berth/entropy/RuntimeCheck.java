package dev.berth.entropy;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Last step of linking the CLI's runtime (scripts/cli-runtime.sh), run on that runtime: its first
 * unix socket's SecureRandom comes from {@link URandomProvider}, and the JDK's providers still answer
 * everything else. Exits non-zero, saying what is wrong, otherwise.
 */
public final class RuntimeCheck {
    private RuntimeCheck() {
    }

    public static void main(String[] args) throws NoSuchAlgorithmException {
        String random = SecureRandom.getInstance(URandomProvider.ALGORITHM).getProvider().getName();
        String digest = MessageDigest.getInstance("SHA-256").getProvider().getName();
        if (!random.equals(URandomProvider.NAME) || !digest.equals("SUN")) {
            System.err.println("the linked runtime's providers are wrong: " + URandomProvider.ALGORITHM + " from "
                    + random + " (want " + URandomProvider.NAME + "), SHA-256 from " + digest + " (want SUN)");
            System.exit(1);
        }
    }
}
