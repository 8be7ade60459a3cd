package dev.berth.api.http;

import dev.berth.common.EngineException;

/** The Engine API versions berth serves, and how versions compare. */
public final class ApiVersions {
    public static final String CURRENT = "1.52";
    public static final String MIN = "1.24";
    /**
     * The Docker Engine release that serves API {@link #CURRENT} (29.0: API 1.52), which /version
     * gives as the engine's version: clients compare it with Docker's releases (Testcontainers
     * refuses an engine "below 1.6.0"), so berth's own version there (0.1.0) would read as an
     * ancient Docker. berth's own version is a component of its own in the same reply.
     */
    public static final String DOCKER_ENGINE = "29.0.0";

    private ApiVersions() {}

    /**
     * Compares dotted versions numerically, segment by segment ("1.9" &lt; "1.24"); a missing segment
     * counts as 0, a non-numeric one as 0.
     */
    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(segment(x, i), segment(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    public static boolean lessThan(String a, String b) {
        return compare(a, b) < 0;
    }

    private static int segment(String[] parts, int i) {
        if (i >= parts.length) {
            return 0;
        }
        try {
            return Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Rejects a client version outside [MIN, CURRENT] with Docker's messages (400). */
    static void check(String version) {
        if (lessThan(version, MIN)) {
            throw EngineException.invalid(
                    "client version %s is too old. Minimum supported API version is %s, please upgrade your client to a newer version",
                    version, MIN);
        }
        if (lessThan(CURRENT, version)) {
            throw EngineException.invalid(
                    "client version %s is too new. Maximum supported API version is %s", version, CURRENT);
        }
    }
}
