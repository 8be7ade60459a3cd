package dev.berth.image;

import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Manifest;
import dev.berth.oci.ManifestIndex;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.registry.Credentials;
import dev.berth.registry.RegistryClient;
import dev.berth.registry.RegistryConfig;
import dev.berth.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The production {@link DistributionService}, storing into a {@link LocalImageService}. */
public final class RegistryDistribution implements DistributionService {
    private final RegistryConfig config;
    private final ImagePuller puller;
    private final ImagePusher pusher;

    public RegistryDistribution(LocalImageService images, RegistryConfig config) {
        this.config = config;
        DistributionStore dist = images.distribution();
        this.puller = new ImagePuller(images, dist, config);
        this.pusher = new ImagePusher(images, dist, config);
    }

    @Override
    public void pull(String reference, boolean allTags, Optional<String> platform, Credentials credentials, Progress progress) {
        puller.pull(reference, allTags, platform, credentials, progress);
    }

    @Override
    public void push(String reference, boolean allTags, Credentials credentials, Progress progress) {
        pusher.push(reference, allTags, credentials, progress);
    }

    @Override
    public String login(String serverAddress, Credentials credentials) {
        String host = DistributionService.registryHost(serverAddress);
        try {
            return RegistryClient.login(config, host, credentials);
        } catch (IOException e) {
            throw EngineException.system(e, "%s", e.getMessage());
        }
    }

    @Override
    public Map<String, Object> inspect(String reference, Credentials credentials) {
        ImageReference ref = ImageReference.parse(reference).withDefaultTag();
        try {
            RegistryClient c = RegistryClient.connect(config, ref.domain(), ref.path(), credentials, List.of("pull"), List.of());
            RegistryClient.FetchedManifest m = c.manifest(ref.digest().orElseGet(() -> ref.tag().orElseThrow()));
            List<Object> platforms = new ArrayList<>();
            if (MediaTypes.INDEXES.contains(m.mediaType())) {
                for (Descriptor d : Json.read(m.bytes(), ManifestIndex.class).manifests()) {
                    if (d.platform() != null) {
                        platforms.add(d.platform());
                    }
                }
            } else {
                Manifest man = Json.read(m.bytes(), Manifest.class);
                ImageConfig cfg = Json.read(c.blobBytes(Digest.parse(man.config().digest())), ImageConfig.class);
                platforms.add(new Platform(cfg.architecture(), cfg.os(), null, null, cfg.variant()));
            }
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("mediaType", m.mediaType());
            descriptor.put("digest", m.digest().toString());
            descriptor.put("size", m.bytes().length);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Descriptor", descriptor);
            out.put("Platforms", platforms);
            return out;
        } catch (RegistryException e) {
            throw ImagePuller.translate(e, ref);
        } catch (IOException e) {
            throw EngineException.system(e, "%s", e.getMessage());
        }
    }
}
