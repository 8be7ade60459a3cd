package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.common.EngineException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI image index or a Docker manifest list: one manifest per platform. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ManifestIndex(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("manifests") List<Descriptor> manifests,
        @JsonProperty("annotations") Map<String, String> annotations) {

    public ManifestIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }

    /**
     * The manifest for {@code wanted}: the first entry whose platform matches (an entry without a
     * platform is taken only if nothing else matches). Attestations (buildx's
     * {@code unknown/unknown} entries) never match.
     *
     * @throws EngineException NOT_FOUND with Docker's wording when nothing matches
     */
    public Descriptor select(Platform wanted) {
        Optional<Descriptor> noPlatform = Optional.empty();
        for (Descriptor d : manifests) {
            if (!MediaTypes.MANIFESTS.contains(d.mediaType()) && d.mediaType() != null) {
                continue;
            }
            if (d.platform() == null) {
                noPlatform = noPlatform.or(() -> Optional.of(d));
            } else if (wanted.matches(d.platform())) {
                return d;
            }
        }
        return noPlatform.orElseThrow(() -> EngineException.notFound(
                "no matching manifest for %s in the manifest list entries", wanted));
    }
}
