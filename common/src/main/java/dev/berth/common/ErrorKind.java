package dev.berth.common;

/** The kinds of failure the engine reports; the API maps each to one HTTP status (Docker's). */
public enum ErrorKind {
    /** Bad input from the caller: 400. */
    INVALID_ARGUMENT(400),
    /** A container, image, exec, network or volume that does not exist: 404. */
    NOT_FOUND(404),
    /** A name in use, a container running, an image in use: 409. */
    CONFLICT(409),
    /** The operation is valid but not in this state (e.g. start a removing container): 409 in Docker. */
    NOT_MODIFIED(304),
    /** Authentication failed against a registry: 401. */
    UNAUTHORIZED(401),
    /** Refused by policy: 403. */
    FORBIDDEN(403),
    /** Feature not implemented: 501. */
    NOT_IMPLEMENTED(501),
    /** A bug or an unexpected system failure: 500. */
    INTERNAL(500),
    /** The OS or the runtime failed doing something legitimate (mount, runtime create): 500 with context. */
    SYSTEM(500);

    private final int httpStatus;

    ErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
