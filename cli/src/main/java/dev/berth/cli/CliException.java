package dev.berth.cli;

/** Ends a command with {@code message} on stderr (if not empty) and exit code {@code code}. */
public final class CliException extends RuntimeException {
    private final int code;

    public CliException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
