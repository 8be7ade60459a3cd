package dev.berth.common.json;

/** Input that is not JSON. */
public final class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
