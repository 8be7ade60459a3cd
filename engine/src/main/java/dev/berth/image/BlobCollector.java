package dev.berth.image;

import dev.berth.common.Digest;
import dev.berth.common.Json;
import dev.berth.oci.ImageConfig;
import dev.berth.store.ContentStore;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.LayerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Removes blobs ({@code blobs/sha256}) nothing refers to. A blob is kept while it is the config of
 * an image (its id), the manifest an image was pulled or pushed with, or a compressed blob of a
 * layer that an image or a layer on disk has (a layer of an interrupted pull keeps its blob, so
 * pulling again can still push back the same digests). Crash-safe in the store's order: one
 * transaction first forgets the distribution rows of what is gone, then the files no row names
 * are deleted, so a crash in between leaves only files that the next run (at the latest the
 * sweep at daemon start) removes. Partial downloads ({@code blobs/partial}) are kept for a resume
 * (even across a daemon restart) unless untouched for {@link #PARTIAL_MAX_AGE}. Callers hold the
 * GC lock (write side), so no pull or push is between writing a blob and recording it.
 */
final class BlobCollector {
    static final Duration PARTIAL_MAX_AGE = Duration.ofHours(24);

    record Result(int blobs, long bytes) {}

    private final ImageStore store;
    private final LayerStore layers;
    private final ContentStore content;
    private final DistributionStore dist;
    private final Path blobsDir;

    BlobCollector(ImageStore store, LayerStore layers, ContentStore content, DistributionStore dist, Path dataRoot) {
        this.store = store;
        this.layers = layers;
        this.content = content;
        this.dist = dist;
        this.blobsDir = dataRoot.resolve("blobs");
    }

    Result collect() throws IOException {
        Set<String> diffIds = new HashSet<>();
        for (String chain : layers.list()) {
            layers.get(chain).ifPresent(l -> diffIds.add(l.diffId()));
        }
        Set<String> keep = store.database().transaction(c -> {
            Set<String> imageIds = new HashSet<>();
            for (ImageRow row : store.all(c)) {
                imageIds.add(row.id());
                diffIds.addAll(Json.read(row.config(), ImageConfig.class).rootfs().diffIds());
            }
            Set<String> k = dist.prune(c, imageIds, diffIds);
            k.addAll(imageIds); // configs are stored under the image id
            return k;
        });
        int n = 0;
        long bytes = 0;
        for (Digest d : content.list()) {
            if (!keep.contains(d.toString())) {
                try {
                    long size = content.size(d);
                    content.delete(d);
                    n++;
                    bytes += size;
                } catch (NoSuchFileException gone) {
                    // removed meanwhile
                }
            }
        }
        sweepPartials(Instant.now().minus(PARTIAL_MAX_AGE));
        return new Result(n, bytes);
    }

    /** Deletes partial downloads last written before {@code cutoff}, and temporary push files. */
    private void sweepPartials(Instant cutoff) throws IOException {
        Path partial = blobsDir.resolve("partial");
        if (Files.isDirectory(partial)) {
            try (var s = Files.newDirectoryStream(partial)) {
                for (Path p : s) {
                    try {
                        if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                            Files.deleteIfExists(p);
                        }
                    } catch (NoSuchFileException gone) {
                        // finished or removed meanwhile
                    }
                }
            }
        }
        // gzip blobs a push was making when it failed or the daemon died (pushes hold the GC
        // lock's read side while they make them, so none is being written now)
        try (var s = Files.newDirectoryStream(blobsDir, ".push-*")) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException none) {
            // no blobs directory yet
        }
    }
}
