package dev.berth.api.http;

import java.io.IOException;

/** The peer broke HTTP/1.1 framing; the connection cannot be trusted for another message. */
final class HttpProtocolException extends IOException {
    HttpProtocolException(String message) {
        super(message);
    }
}
