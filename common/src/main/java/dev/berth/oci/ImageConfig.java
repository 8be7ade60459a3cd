package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The OCI / Docker image configuration ("application/vnd.oci.image.config.v1+json"), with
 * Docker's JSON field names. The image id is the sha256 of the exact bytes this was read from, so
 * stores keep those bytes and never re-serialize an existing config.
 *
 * @param created RFC 3339 text as written by whoever made the image (kept verbatim)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageConfig(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("variant") String variant,
        @JsonProperty("os") String os,
        @JsonProperty("created") String created,
        @JsonProperty("author") String author,
        @JsonProperty("comment") String comment,
        @JsonProperty("docker_version") String dockerVersion,
        @JsonProperty("config") ContainerConfig config,
        @JsonProperty("rootfs") RootFs rootfs,
        @JsonProperty("history") List<History> history) {

    public ImageConfig {
        history = history == null ? List.of() : List.copyOf(history);
        rootfs = rootfs == null ? new RootFs("layers", List.of()) : rootfs;
    }

    /** The creation time, if the config has a parsable one. */
    public Optional<Instant> createdInstant() {
        // Go writes RFC 3339 with any offset and nanoseconds; Instant.parse alone is too strict.
        return Rfc3339.parse(created);
    }

    public ImageConfig withConfig(ContainerConfig newConfig) {
        return new ImageConfig(architecture, variant, os, created, author, comment, dockerVersion, newConfig, rootfs, history);
    }

    /** {@code rootfs}: the layer diff ids, lowest first. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RootFs(@JsonProperty("type") String type, @JsonProperty("diff_ids") List<String> diffIds) {
        public RootFs {
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }
    }

    /** One {@code history} entry; {@code empty_layer} entries have no matching diff id. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record History(
            @JsonProperty("created") String created,
            @JsonProperty("created_by") String createdBy,
            @JsonProperty("author") String author,
            @JsonProperty("comment") String comment,
            @JsonProperty("empty_layer") boolean emptyLayer) {}
}
