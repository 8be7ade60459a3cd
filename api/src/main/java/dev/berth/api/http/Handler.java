package dev.berth.api.http;

/**
 * Serves one route. Throw {@link dev.berth.common.EngineException} for failures the client should
 * read; anything else becomes a logged 500.
 */
@FunctionalInterface
public interface Handler {
    void handle(Exchange ex) throws Exception;
}
