package dev.berth.cli.container;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Docker's GetTimestamp for --since/--until: a Go duration ago, an RFC 3339 time, or unix seconds. */
public final class Timestamps {
    private Timestamps() {}

    public static String parse(String value, Instant now, ZoneId zone) {
        if (!value.equals("0")) {
            try {
                long nanos = GoDuration.parseNanos(value);
                return Long.toString(now.minusNanos(nanos).getEpochSecond());
            } catch (IllegalArgumentException e) {
                // not a duration
            }
        }
        Instant t = null;
        try {
            t = OffsetDateTime.parse(value.replace('z', 'Z')).toInstant();
        } catch (DateTimeParseException e) {
            try {
                t = LocalDateTime.parse(value).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    t = LocalDate.parse(value).atStartOfDay(zone).toInstant();
                } catch (DateTimeParseException e3) {
                    // unix seconds[.nanos], passed on as is
                }
            }
        }
        if (t == null) {
            if (value.contains("-") || !value.matches("\\d+(\\.\\d{1,9})?")) {
                throw new IllegalArgumentException("failed to parse value as time or duration: \"" + value + "\"");
            }
            return value;
        }
        return String.format("%d.%09d", t.getEpochSecond(), t.getNano());
    }
}
