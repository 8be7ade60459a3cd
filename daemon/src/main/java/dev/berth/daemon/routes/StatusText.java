package dev.berth.daemon.routes;

import dev.berth.container.ContainerState;
import java.time.Duration;
import java.time.Instant;

/** The human status of `docker ps` ("Up 3 minutes", "Exited (0) 2 seconds ago"), as the API reports it. */
final class StatusText {
    private StatusText() {}

    static String of(ContainerState s, Instant now) {
        return switch (s.status()) {
            case CREATED -> "Created";
            case RUNNING -> "Up " + humanDuration(Duration.between(s.startedAt(), now));
            case PAUSED -> "Up " + humanDuration(Duration.between(s.startedAt(), now)) + " (Paused)";
            case RESTARTING -> "Restarting (" + s.exitCode() + ") " + humanDuration(Duration.between(s.finishedAt(), now)) + " ago";
            case REMOVING -> "Removal In Progress";
            case DEAD -> "Dead";
            case EXITED -> s.finishedAt().equals(ContainerState.ZERO) ? "Exited (" + s.exitCode() + ")"
                    : "Exited (" + s.exitCode() + ") " + humanDuration(Duration.between(s.finishedAt(), now)) + " ago";
        };
    }

    /** go-units HumanDuration. */
    static String humanDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toMinutes() / 60.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return hours / 24 / 365 + " years";
    }
}
