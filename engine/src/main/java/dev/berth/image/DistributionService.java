package dev.berth.image;

import dev.berth.registry.Credentials;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images to and from registries: {@code docker pull}, {@code push}, {@code login} and
 * {@code GET /distribution/{name}/json}. Failures before anything was reported are
 * {@link dev.berth.common.EngineException}s with Docker's messages; failures after progress began
 * are thrown too, and the API renders them as an error message at the end of the stream.
 */
public interface DistributionService {
    /**
     * Pulls {@code reference} (a tag, default {@code latest}, or a digest), or with {@code allTags}
     * every tag of the repository, for {@code platform} (default: this machine's) from an index.
     */
    void pull(String reference, boolean allTags, Optional<String> platform, Credentials credentials, Progress progress);

    /** Pushes the local image {@code reference} (default tag {@code latest}), or every local tag of the repository. */
    void push(String reference, boolean allTags, Credentials credentials, Progress progress);

    /** Checks credentials against {@code serverAddress}; returns the identity token the registry issued, or "". */
    String login(String serverAddress, Credentials credentials);

    /**
     * {@code GET /distribution/{name}/json}: the descriptor of what {@code reference} names in the
     * registry and the platforms it offers, as Docker's {@code DistributionInspect}.
     */
    Map<String, Object> inspect(String reference, Credentials credentials);

    /** Registry host of a {@code docker login} server address ({@code https://index.docker.io/v1/} → {@code docker.io}). */
    static String registryHost(String serverAddress) {
        String s = serverAddress == null ? "" : serverAddress.trim();
        s = s.replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        if (s.isEmpty() || List.of("index.docker.io", "registry-1.docker.io", "docker.io").contains(s)) {
            return "docker.io";
        }
        return s;
    }
}
