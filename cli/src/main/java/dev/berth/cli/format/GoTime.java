package dev.berth.cli.format;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Go's time.Time.String() without the monotonic part: "2006-01-02 15:04:05 -0700 MST". */
public final class GoTime {
    private static final DateTimeFormatter BASE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT);

    private GoTime() {}

    public static String format(Instant t, ZoneId zone) {
        ZonedDateTime z = t.atZone(zone);
        String name;
        ZoneId normalized = zone.normalized();
        if (normalized instanceof ZoneOffset off) {
            // Go names UTC "UTC" and other fixed zones by their offset.
            name = off.getTotalSeconds() == 0 ? "UTC" : BASE.format(z).substring(20);
        } else {
            name = DateTimeFormatter.ofPattern("zzz", Locale.ROOT).format(z);
        }
        return BASE.format(z) + " " + name;
    }
}
