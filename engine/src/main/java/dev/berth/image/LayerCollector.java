package dev.berth.image;

import dev.berth.common.Json;
import dev.berth.oci.ImageConfig;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.LayerStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes layers nothing uses: a layer stays while any image's chain includes it, or while a
 * container still uses a force-deleted image whose layers were retained. Callers hold the GC lock.
 */
final class LayerCollector {
    record Result(List<String> removed, long bytes) {}

    private final ImageStore store;
    private final LayerStore layers;
    private final ImageUsage usage;

    LayerCollector(ImageStore store, LayerStore layers, ImageUsage usage) {
        this.store = store;
        this.layers = layers;
        this.usage = usage;
    }

    /** Considers every layer on disk. */
    Result collectAll() throws IOException {
        return collect(new ArrayList<>(layers.list()));
    }

    /** Considers {@code candidates} (lowest first per image) and layers whose retention just ended. */
    Result collect(List<String> candidates) throws IOException {
        Set<String> ordered = new LinkedHashSet<>(candidates.reversed()); // top layers go first, as Docker lists them
        Set<String> requested = new HashSet<>(candidates);
        Set<String> used = store.database().transaction(c -> {
            Set<String> u = new HashSet<>();
            for (ImageRow row : store.all(c)) {
                u.addAll(LayerStore.chainIds(Json.read(row.config(), ImageConfig.class).rootfs().diffIds()));
            }
            for (Map.Entry<String, Set<String>> e : store.retainedLayers(c).entrySet()) {
                if (usage.containersUsing(e.getKey()).isEmpty()) {
                    store.releaseRetained(c, e.getKey());
                    ordered.addAll(e.getValue());
                } else {
                    u.addAll(e.getValue());
                }
            }
            return u;
        });
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        for (String chain : ordered) {
            if (used.contains(chain)) {
                continue;
            }
            var layer = layers.get(chain);
            if (layer.isPresent()) {
                layers.remove(chain);
                if (requested.contains(chain)) {
                    // only the caller's layers are reported: those of a container removed earlier
                    // are collected quietly, not listed as deleted by an unrelated rmi
                    removed.add(chain);
                    bytes += layer.get().size();
                }
            }
        }
        return new Result(removed, bytes);
    }
}
