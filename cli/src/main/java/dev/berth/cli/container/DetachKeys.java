package dev.berth.cli.container;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Docker's detach key sequences ("ctrl-p,ctrl-q", "a,ctrl-x") as bytes (term.ToBytes). */
public final class DetachKeys {
    public static final String DEFAULT = "ctrl-p,ctrl-q";

    private DetachKeys() {}

    public static byte[] parse(String keys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String k : keys.split(",")) {
            String key = k.trim();
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.length() == 6 && lower.startsWith("ctrl-")) {
                char c = lower.charAt(5);
                int code;
                if (c >= 'a' && c <= 'z') code = c - 'a' + 1;
                else code = switch (c) {
                    case '@' -> 0;
                    case '[' -> 27;
                    case '\\' -> 28;
                    case ']' -> 29;
                    case '^' -> 30;
                    case '_' -> 31;
                    default -> throw new IllegalArgumentException("Unknown character: '" + key + "'");
                };
                out.write(code);
            } else if (key.length() == 1) {
                out.write(key.charAt(0));
            } else {
                throw new IllegalArgumentException("Unknown character: '" + key + "'");
            }
        }
        return out.toByteArray();
    }
}
