package dev.berth.image;

import dev.berth.oci.ImageConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A local image as the rest of the engine sees it.
 *
 * @param id {@code sha256:<hex>}, the sha256 of the config bytes
 * @param repoTags familiar tagged references ({@code busybox:latest})
 * @param repoDigests familiar digest references ({@code busybox@sha256:...})
 * @param created from the config, or the time it was stored if the config has none
 * @param size sum of the unpacked sizes of its layers
 * @param lastTagTime when it was last tagged, if ever
 * @param chainIds chain ids of its layers, lowest first
 * @param layerDirs the layers' diff directories, lowest first: the overlayfs lowerdirs
 *     (reverse them for the {@code lowerdir=} option, whose first entry is the top)
 */
public record Image(String id, ImageConfig config, List<String> repoTags, List<String> repoDigests,
        Optional<String> parent, Instant created, long size, Optional<Instant> lastTagTime,
        List<String> chainIds, List<Path> layerDirs) {}
