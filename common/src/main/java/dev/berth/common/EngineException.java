package dev.berth.common;

/**
 * The one exception type the engine throws for failures a caller may see. The message is the text
 * a Docker user would read ("No such container: web"); the kind decides the HTTP status.
 */
public class EngineException extends RuntimeException {
    private final ErrorKind kind;

    public EngineException(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public EngineException(ErrorKind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Builds the exception with a {@link String#format} message. */
    public static EngineException of(ErrorKind kind, String format, Object... args) {
        return new EngineException(kind, args.length == 0 ? format : String.format(format, args));
    }

    public static EngineException notFound(String format, Object... args) {
        return of(ErrorKind.NOT_FOUND, format, args);
    }

    public static EngineException conflict(String format, Object... args) {
        return of(ErrorKind.CONFLICT, format, args);
    }

    public static EngineException invalid(String format, Object... args) {
        return of(ErrorKind.INVALID_ARGUMENT, format, args);
    }

    public static EngineException system(Throwable cause, String format, Object... args) {
        return new EngineException(ErrorKind.SYSTEM, String.format(format, args), cause);
    }

    public ErrorKind kind() {
        return kind;
    }
}
