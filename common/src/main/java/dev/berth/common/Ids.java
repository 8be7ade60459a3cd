package dev.berth.common;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Container and exec ids: 64 random hex characters, like Docker's; the short form is the first 12. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        // Docker avoids ids that are all digits so that a short id never parses as a number.
        return id.chars().allMatch(Character::isDigit) ? random() : id;
    }

    public static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
