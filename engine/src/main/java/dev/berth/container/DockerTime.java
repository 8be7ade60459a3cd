package dev.berth.container;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/** Go's RFC3339Nano, as Docker prints times: trailing zeros of the fraction dropped, 'Z' for UTC. */
public final class DockerTime {
    private static final DateTimeFormatter RFC3339_NANO = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private DockerTime() {}

    public static String format(Instant t) {
        return RFC3339_NANO.format(t);
    }
}
