package dev.berth.container;

import dev.berth.common.EngineException;
import java.util.Locale;

/** Docker's size strings: "10m", "1.5g", "512k", "100" (bytes); binary units like RAMInBytes. */
public final class Sizes {
    private Sizes() {}

    public static long parseBytes(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        var m = java.util.regex.Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)i?b?$").matcher(t);
        if (!m.matches()) {
            throw EngineException.invalid("invalid size: '%s'", s);
        }
        double v = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return (long) (v * (1L << shift));
    }
}
