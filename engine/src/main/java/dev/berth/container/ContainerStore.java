package dev.berth.container;

import dev.berth.common.Json;
import dev.berth.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers in SQLite (one row per container, the record as JSON), with an in-memory copy so that
 * listing never touches the disk. Every save is one transaction.
 */
public final class ContainerStore {
    private final Database db;
    private final ConcurrentHashMap<String, Container> byId = new ConcurrentHashMap<>();

    public ContainerStore(Database db) {
        this.db = db;
        db.ensureSchema("CREATE TABLE IF NOT EXISTS containers (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, data TEXT NOT NULL)");
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM containers"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Container ctr = Json.read(rs.getString(1), Container.class);
                    byId.put(ctr.id(), ctr);
                }
            }
            return null;
        });
    }

    /** Inserts a new container; false if the name is taken (checked in the same transaction). */
    public synchronized boolean insert(Container ctr) {
        boolean taken = byId.values().stream().anyMatch(c -> c.name().equals(ctr.name()));
        if (taken) {
            return false;
        }
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO containers (id, name, data) VALUES (?, ?, ?)")) {
                ps.setString(1, ctr.id());
                ps.setString(2, ctr.name());
                ps.setString(3, Json.string(ctr));
                ps.executeUpdate();
            }
            return null;
        });
        byId.put(ctr.id(), ctr);
        return true;
    }

    public synchronized void update(Container ctr) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE containers SET name = ?, data = ? WHERE id = ?")) {
                ps.setString(1, ctr.name());
                ps.setString(2, Json.string(ctr));
                ps.setString(3, ctr.id());
                ps.executeUpdate();
            }
            return null;
        });
        byId.put(ctr.id(), ctr);
    }

    public synchronized void delete(String id) {
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM containers WHERE id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return null;
        });
        byId.remove(id);
    }

    public Optional<Container> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Container> all() {
        return new ArrayList<>(byId.values());
    }

    /** Docker's lookup: full id, exact name (with or without '/'), then a unique id prefix. */
    public List<Container> lookup(String ref) {
        Container exact = byId.get(ref);
        if (exact != null) {
            return List.of(exact);
        }
        String name = ref.startsWith("/") ? ref.substring(1) : ref;
        for (Container c : byId.values()) {
            if (c.name().equals(name)) {
                return List.of(c);
            }
        }
        if (ref.isEmpty()) {
            return List.of();
        }
        return byId.values().stream().filter(c -> c.id().startsWith(ref)).toList();
    }
}
