package dev.berth.cli.format;

import java.time.Duration;
import java.time.Instant;

/** Docker's container status line (container.State.String), e.g. "Up 5 minutes (Paused)". */
public final class ContainerStatus {
    private ContainerStatus() {}

    /**
     * @param startedAt  null when never started
     * @param finishedAt null when never finished
     * @param health     "starting", "healthy", "unhealthy" or null
     */
    public static String describe(boolean running, boolean paused, boolean restarting, boolean dead, boolean removing,
                                  int exitCode, Instant startedAt, Instant finishedAt, String health, Instant now) {
        if (running) {
            if (paused) return "Up " + since(startedAt, now) + " (Paused)";
            if (restarting) return "Restarting (" + exitCode + ") " + since(finishedAt, now) + " ago";
            if (health != null && !health.isEmpty() && !health.equals("none")) {
                return "Up " + since(startedAt, now) + " (" + (health.equals("starting") ? "health: starting" : health) + ")";
            }
            return "Up " + since(startedAt, now);
        }
        if (removing) return "Removal In Progress";
        if (dead) return "Dead";
        if (startedAt == null) return "Created";
        if (finishedAt == null) return "";
        return "Exited (" + exitCode + ") " + since(finishedAt, now) + " ago";
    }

    private static String since(Instant t, Instant now) {
        return Units.humanDuration(Duration.between(t == null ? now : t, now));
    }
}
