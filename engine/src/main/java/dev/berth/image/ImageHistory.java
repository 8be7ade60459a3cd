package dev.berth.image;

import dev.berth.common.Json;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Rfc3339;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.ImageStore.RefRow;
import dev.berth.store.LayerStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code docker history}, following moby's daemon/images/image_history.go: one item per config
 * history entry, newest first, with the size of the layer each non-empty entry made. The newest
 * entry carries the image's id and tags, the entries below it the ids of its stored parents, and
 * {@code <missing>} where no stored image matches (every image that was pulled, loaded or imported).
 */
final class ImageHistory {
    static final String MISSING = "<missing>";

    private ImageHistory() {}

    static List<HistoryItem> of(Connection c, ImageStore store, LayerStore layers, ImageRow row) throws SQLException {
        ImageConfig config = Json.read(row.config(), ImageConfig.class);
        List<String> chains = LayerStore.chainIds(config.rootfs().diffIds());
        List<HistoryItem> out = new ArrayList<>();
        int layer = 0;
        for (ImageConfig.History h : config.history()) {
            long size = 0;
            if (!h.emptyLayer()) {
                if (layer >= chains.size()) {
                    throw dev.berth.common.EngineException.system(null, "too many non-empty layers in History section");
                }
                size = layers.get(chains.get(layer)).map(LayerStore.Layer::size).orElse(0L);
                layer++;
            }
            long created = Rfc3339.parse(h.created()).map(Instant::getEpochSecond).orElse(0L);
            out.addFirst(new HistoryItem(MISSING, created, nullToEmpty(h.createdBy()), null, size,
                    nullToEmpty(h.comment())));
        }
        // Ids and tags: the image itself, then its parents as far as they are stored here.
        Optional<ImageRow> img = Optional.of(row);
        for (int i = 0; i < out.size() && img.isPresent(); i++) {
            HistoryItem h = out.get(i);
            List<String> tags = tags(c, store, img.get().id());
            out.set(i, new HistoryItem(img.get().id(), h.created(), h.createdBy(), tags.isEmpty() ? null : tags,
                    h.size(), h.comment()));
            Optional<String> parent = img.get().parent();
            img = parent.isEmpty() ? Optional.empty() : store.get(c, parent.get());
        }
        return out;
    }

    private static List<String> tags(Connection c, ImageStore store, String id) throws SQLException {
        List<String> out = new ArrayList<>();
        for (RefRow r : store.refs(c, id)) {
            if (!r.digest()) {
                out.add(ImageReference.parse(r.reference()).familiarString());
            }
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
