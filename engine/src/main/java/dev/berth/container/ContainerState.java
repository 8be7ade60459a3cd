package dev.berth.container;

import java.time.Instant;

/** Docker's container state; immutable, replaced on every transition. */
public record ContainerState(
        Status status, int pid, int conmonPid, int exitCode, String error, Instant startedAt, Instant finishedAt,
        boolean oomKilled) {

    /** Docker's status words, as `docker ps` and the API show them. */
    public enum Status {
        CREATED("created"), RUNNING("running"), PAUSED("paused"), RESTARTING("restarting"), REMOVING("removing"),
        EXITED("exited"), DEAD("dead");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    public static ContainerState created() {
        return new ContainerState(Status.CREATED, 0, 0, 0, "", ZERO, ZERO, false);
    }

    public boolean running() {
        return status == Status.RUNNING || status == Status.PAUSED || status == Status.RESTARTING;
    }

    public ContainerState started(int pid, int conmonPid, Instant at) {
        return new ContainerState(Status.RUNNING, pid, conmonPid, 0, "", at, finishedAt, false);
    }

    public ContainerState exited(int code, Instant at) {
        return new ContainerState(Status.EXITED, 0, 0, code, error, startedAt, at, oomKilled);
    }

    public ContainerState failed(int code, String message, Instant at) {
        return new ContainerState(Status.EXITED, 0, 0, code, message, startedAt, at, false);
    }

    public ContainerState withStatus(Status s) {
        return new ContainerState(s, pid, conmonPid, exitCode, error, startedAt, finishedAt, oomKilled);
    }
}
