package dev.berth.registry;

import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;

/**
 * A registry answered with an error. The message is Docker's rendering of the distribution error
 * ({@code manifest unknown: manifest unknown}); {@link #code} is the first error code of the body
 * ({@code MANIFEST_UNKNOWN}), or empty when the body had none.
 */
public final class RegistryException extends EngineException {
    private final int status;
    private final String code;

    RegistryException(int status, String code, String message) {
        super(kindOf(status), message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    private static ErrorKind kindOf(int status) {
        return switch (status) {
            case 401 -> ErrorKind.UNAUTHORIZED;
            case 403 -> ErrorKind.FORBIDDEN;
            case 404 -> ErrorKind.NOT_FOUND;
            case 400 -> ErrorKind.INVALID_ARGUMENT;
            default -> ErrorKind.SYSTEM;
        };
    }
}
