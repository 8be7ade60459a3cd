package dev.berth.store;

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
 * Image metadata in SQLite: images (the exact config bytes, which the id is the sha256 of),
 * references (tags and digests) and layers retained for deleted images that containers still use.
 * Ids and chain ids are {@code sha256:<hex>}; references are fully qualified
 * ({@code docker.io/library/busybox:latest}).
 */
public final class ImageStore {
    private final Database db;

    /** One stored image. {@code created} is unix nanoseconds; {@code lastTagTime} 0 when never tagged. */
    public record ImageRow(String id, byte[] config, long created, long size, Optional<String> parent, long lastTagTime) {}

    /** One reference; {@code digest} is true for {@code name@sha256:...} references. */
    public record RefRow(String reference, String imageId, boolean digest) {}

    public ImageStore(Database db) {
        this.db = db;
        db.ensureSchema(
                """
                CREATE TABLE IF NOT EXISTS images (
                  id TEXT PRIMARY KEY, config BLOB NOT NULL, created INTEGER NOT NULL, size INTEGER NOT NULL,
                  parent TEXT, last_tag_time INTEGER NOT NULL DEFAULT 0)""",
                """
                CREATE TABLE IF NOT EXISTS image_refs (
                  reference TEXT PRIMARY KEY, image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
                  is_digest INTEGER NOT NULL)""",
                "CREATE INDEX IF NOT EXISTS image_refs_by_image ON image_refs(image_id)",
                """
                CREATE TABLE IF NOT EXISTS retained_layers (
                  image_id TEXT NOT NULL, chain_id TEXT NOT NULL, PRIMARY KEY (image_id, chain_id))""");
    }

    public Database database() {
        return db;
    }

    /** Adds the image unless it exists (same id = same config bytes). Returns true if added. */
    public boolean add(Connection c, ImageRow img) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR IGNORE INTO images(id, config, created, size, parent, last_tag_time) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, img.id());
            ps.setBytes(2, img.config());
            ps.setLong(3, img.created());
            ps.setLong(4, img.size());
            ps.setString(5, img.parent().orElse(null));
            ps.setLong(6, img.lastTagTime());
            return ps.executeUpdate() == 1;
        }
    }

    public Optional<ImageRow> get(Connection c, String id) throws SQLException {
        List<ImageRow> r = query(c, "SELECT * FROM images WHERE id = ?", id);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
    }

    /** Images whose id starts with {@code sha256:<prefix>}. */
    public List<ImageRow> byPrefix(Connection c, String hexPrefix) throws SQLException {
        String p = "sha256:" + hexPrefix;
        return query(c, "SELECT * FROM images WHERE substr(id, 1, ?) = ?", p.length(), p);
    }

    public List<ImageRow> all(Connection c) throws SQLException {
        return query(c, "SELECT * FROM images ORDER BY created DESC, id");
    }

    /** Images whose parent is {@code id}. */
    public List<ImageRow> children(Connection c, String id) throws SQLException {
        return query(c, "SELECT * FROM images WHERE parent = ?", id);
    }

    public void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    public void setLastTagTime(Connection c, String id, long nanos) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE images SET last_tag_time = ? WHERE id = ?")) {
            ps.setLong(1, nanos);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    public Optional<String> resolveRef(Connection c, String reference) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT image_id FROM image_refs WHERE reference = ?")) {
            ps.setString(1, reference);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Points {@code reference} at {@code imageId}, replacing an older mapping. */
    public void putRef(Connection c, String reference, String imageId, boolean digest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT OR REPLACE INTO image_refs(reference, image_id, is_digest) VALUES (?,?,?)")) {
            ps.setString(1, reference);
            ps.setString(2, imageId);
            ps.setInt(3, digest ? 1 : 0);
            ps.executeUpdate();
        }
    }

    public boolean deleteRef(Connection c, String reference) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM image_refs WHERE reference = ?")) {
            ps.setString(1, reference);
            return ps.executeUpdate() == 1;
        }
    }

    /** References to {@code imageId}, in a stable order (tags, then digests, by name). */
    public List<RefRow> refs(Connection c, String imageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reference, image_id, is_digest FROM image_refs WHERE image_id = ? ORDER BY is_digest, reference")) {
            ps.setString(1, imageId);
            return refRows(ps);
        }
    }

    public List<RefRow> allRefs(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT reference, image_id, is_digest FROM image_refs ORDER BY is_digest, reference")) {
            return refRows(ps);
        }
    }

    public void retainLayers(Connection c, String imageId, List<String> chainIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO retained_layers VALUES (?, ?)")) {
            for (String chain : chainIds) {
                ps.setString(1, imageId);
                ps.setString(2, chain);
                ps.executeUpdate();
            }
        }
    }

    /** image id → chain ids kept for deleted images that containers may still use. */
    public java.util.Map<String, Set<String>> retainedLayers(Connection c) throws SQLException {
        java.util.Map<String, Set<String>> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT image_id, chain_id FROM retained_layers");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
            }
        }
        return out;
    }

    public void releaseRetained(Connection c, String imageId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM retained_layers WHERE image_id = ?")) {
            ps.setString(1, imageId);
            ps.executeUpdate();
        }
    }

    private static List<RefRow> refRows(PreparedStatement ps) throws SQLException {
        List<RefRow> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RefRow(rs.getString(1), rs.getString(2), rs.getInt(3) == 1));
            }
        }
        return out;
    }

    private static List<ImageRow> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object a : args) {
                ps.setObject(i++, a);
            }
            List<ImageRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ImageRow(rs.getString("id"), rs.getBytes("config"), rs.getLong("created"),
                            rs.getLong("size"), Optional.ofNullable(rs.getString("parent")),
                            rs.getLong("last_tag_time")));
                }
            }
            return out;
        }
    }
}
