package dev.berth.registry;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (realm, service, scopes, credentials): a pull followed by another pull of the
 * same repository reuses the token until shortly before it expires.
 */
final class TokenCache {
    private record Entry(String token, Instant expires) {}

    private static final Map<String, Entry> TOKENS = new ConcurrentHashMap<>();

    private TokenCache() {}

    static Optional<String> get(String key) {
        Entry e = TOKENS.get(key);
        if (e == null || Instant.now().isAfter(e.expires())) {
            return Optional.empty();
        }
        return Optional.of(e.token());
    }

    /** Keeps {@code token} for {@code expiresIn} seconds less a safety margin. */
    static void put(String key, String token, long expiresIn) {
        long ttl = Math.max(expiresIn <= 0 ? 60 : expiresIn, 10) - 5;
        TOKENS.put(key, new Entry(token, Instant.now().plusSeconds(ttl)));
    }

    static void clear() {
        TOKENS.clear();
    }
}
