package dev.berth.image;

import dev.berth.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What pull and push remember about registries (Docker's v2 metadata service): which compressed
 * blob carries which diff id and in which repositories it was seen (so a push can skip or mount
 * it), and the exact manifest an image was pulled with (so pushing it back gives the same digest).
 */
final class DistributionStore {
    /**
     * A compressed blob of a layer, and a repository ({@code registry/path}) known to hold it ("" if
     * none). {@code tarDiffId} is the diff id of the blob's own tar: the layer's diff id, except for
     * blobs berth re-archived from a layer directory without reproducing the original tar exactly.
     */
    record LayerBlob(String diffId, String digest, String mediaType, long size, String repository, String tarDiffId) {
        LayerBlob(String diffId, String digest, String mediaType, long size, String repository) {
            this(diffId, digest, mediaType, size, repository, diffId);
        }
    }

    /** The manifest an image came with. */
    record ImageManifest(String imageId, String digest, String mediaType) {}

    private final Database db;

    DistributionStore(Database db) {
        this.db = db;
        db.ensureSchema(
                """
                CREATE TABLE IF NOT EXISTS layer_blobs (
                  diff_id TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
                  repository TEXT NOT NULL DEFAULT '', tar_diff_id TEXT NOT NULL,
                  PRIMARY KEY (diff_id, digest, repository))""",
                "CREATE INDEX IF NOT EXISTS layer_blobs_by_digest ON layer_blobs(digest)",
                """
                CREATE TABLE IF NOT EXISTS image_manifests (
                  image_id TEXT NOT NULL, digest TEXT NOT NULL, media_type TEXT NOT NULL, PRIMARY KEY (image_id, digest))""");
    }

    void addBlob(Connection c, LayerBlob b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO layer_blobs VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, b.diffId());
            ps.setString(2, b.digest());
            ps.setString(3, b.mediaType());
            ps.setLong(4, b.size());
            ps.setString(5, b.repository());
            ps.setString(6, b.tarDiffId());
            ps.executeUpdate();
        }
    }

    void addBlob(LayerBlob b) {
        db.transaction(c -> {
            addBlob(c, b);
            return null;
        });
    }

    List<LayerBlob> blobsOf(String diffId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT diff_id, digest, media_type, size, repository, tar_diff_id FROM layer_blobs WHERE diff_id = ? ORDER BY rowid")) {
                ps.setString(1, diffId);
                List<LayerBlob> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new LayerBlob(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6)));
                    }
                }
                return out;
            }
        });
    }

    void addManifest(Connection c, ImageManifest m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO image_manifests VALUES (?,?,?)")) {
            ps.setString(1, m.imageId());
            ps.setString(2, m.digest());
            ps.setString(3, m.mediaType());
            ps.executeUpdate();
        }
    }

    /**
     * Forgets what no longer matters: manifests of images not in {@code imageIds} and layer blobs
     * whose diff id is not in {@code diffIds}. Returns the digest of every blob still described
     * (manifests and layer blobs), the ones garbage collection must keep.
     */
    Set<String> prune(Connection c, Set<String> imageIds, Set<String> diffIds) throws SQLException {
        Set<String> keep = new HashSet<>();
        pruneRows(c, "image_manifests", "image_id", imageIds, keep);
        pruneRows(c, "layer_blobs", "diff_id", diffIds, keep);
        return keep;
    }

    Optional<ImageManifest> manifestOf(String imageId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT image_id, digest, media_type FROM image_manifests WHERE image_id = ? ORDER BY rowid DESC")) {
                ps.setString(1, imageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ImageManifest(rs.getString(1), rs.getString(2), rs.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Deletes the rows of {@code table} whose {@code key} is not in {@code live}; adds the kept rows' digests to {@code keep}. */
    private static void pruneRows(Connection c, String table, String key, Set<String> live, Set<String> keep) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT " + key + ", digest FROM " + table);
                PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + key + " = ?");
                ResultSet rs = q.executeQuery()) {
            Set<String> gone = new HashSet<>();
            while (rs.next()) {
                if (live.contains(rs.getString(1))) {
                    keep.add(rs.getString(2));
                } else {
                    gone.add(rs.getString(1));
                }
            }
            for (String id : gone) {
                del.setString(1, id);
                del.executeUpdate();
            }
        }
    }
}
