package dev.berth.api.http;

import java.io.IOException;

/** The daemon answered with an error status; {@link #message()} is the {@code message} of its body. */
public final class HttpStatusException extends IOException {
    private final int status;
    private final String message;

    public HttpStatusException(int status, String message) {
        super(message);
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }
}
