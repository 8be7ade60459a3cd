package dev.berth.cli.format;

/** A template failed to parse or to execute; the message reads like Go's text/template error. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }
}
