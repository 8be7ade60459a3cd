package dev.berth.image;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.ImageStore.RefRow;
import dev.berth.store.LayerStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code docker rmi}, following moby's daemon/images/image_delete.go: untag by name, delete by
 * id, conflicts (children, running or stopped containers, other references), and pruning of
 * untagged parents. Runs inside one metadata transaction; layers are freed afterwards by the
 * caller from {@link #deletedChains()}.
 */
final class ImageRemover {
    private static final int CHILD = 1;
    private static final int RUNNING = 2;
    private static final int ACTIVE_REF = 4;
    private static final int STOPPED = 8;
    private static final int HARD = CHILD | RUNNING;
    private static final int SOFT = ACTIVE_REF | STOPPED;

    @FunctionalInterface
    interface Finder {
        ImageRow find(Connection c, String ref) throws SQLException;
    }

    private record Conflict(boolean hard, boolean used, String message) {}

    private final ImageStore store;
    private final ImageUsage usage;
    private final Finder finder;
    private final List<String> deletedChains = new ArrayList<>();

    ImageRemover(ImageStore store, ImageUsage usage, Finder finder) {
        this.store = store;
        this.usage = usage;
        this.finder = finder;
    }

    /** Chain ids of the images deleted, lowest first per image; candidates for layer removal. */
    List<String> deletedChains() {
        return deletedChains;
    }

    List<DeleteResponseItem> remove(Connection c, String ref, boolean force, boolean prune) throws SQLException {
        List<DeleteResponseItem> records = new ArrayList<>();
        ImageRow img = finder.find(c, ref);
        String id = img.id();
        List<RefRow> refs = store.refs(c, id);
        boolean removedRepositoryRef = false;
        if (!isIdPrefix(id, ref)) {
            // A name was given: untag it. The last name of an image in use needs force, since the
            // image would be left dangling.
            if (!force && isSingleReference(refs)) {
                List<ImageUsage.User> users = usage.containersUsing(id);
                if (!users.isEmpty()) {
                    throw EngineException.conflict(
                            "conflict: unable to remove repository reference \"%s\" (must force) - container %s is using its referenced image %s",
                            ref, shortId(users.getFirst().containerId()), shortId(id));
                }
            }
            ImageReference parsed = ImageReference.parse(ref).withDefaultTag();
            store.deleteRef(c, parsed.toString());
            records.add(DeleteResponseItem.untagged(parsed.familiarString()));
            refs = store.refs(c, id);
            if (parsed.digest().isEmpty()) {
                // The last tag of a repository takes the repository's digest references with it.
                boolean tagLeft = refs.stream().anyMatch(r -> !r.digest() && name(r).equals(parsed.name()));
                if (!tagLeft) {
                    for (RefRow r : refs) {
                        if (r.digest() && name(r).equals(parsed.name())) {
                            store.deleteRef(c, r.reference());
                            records.add(DeleteResponseItem.untagged(ImageReference.parse(r.reference()).familiarString()));
                        }
                    }
                    refs = store.refs(c, id);
                }
            }
            if (!refs.isEmpty()) {
                return records;
            }
            removedRepositoryRef = true;
        } else if (isSingleReference(refs)) {
            // An id with one repository's names: delete them all, unless a container stops us.
            Conflict conflict = conflict(c, id, force ? HARD : HARD | (SOFT & ~ACTIVE_REF));
            if (conflict != null) {
                throw conflictError(id, conflict);
            }
            untagAll(c, id, records);
        }
        deleteHelper(c, id, force, prune, removedRepositoryRef, records);
        return records;
    }

    private void deleteHelper(Connection c, String id, boolean force, boolean prune, boolean quiet,
            List<DeleteResponseItem> records) throws SQLException {
        Conflict conflict = conflict(c, id, force ? HARD : HARD | SOFT);
        if (conflict != null) {
            if (quiet && (!store.refs(c, id).isEmpty() || !store.children(c, id).isEmpty() || conflict.used())) {
                return; // untagging was the job; an image still needed stays quietly
            }
            throw conflictError(id, conflict);
        }
        ImageRow row = store.get(c, id).orElseThrow();
        untagAll(c, id, records);
        List<String> chains = LayerStore.chainIds(Json.read(row.config(), ImageConfig.class).rootfs().diffIds());
        if (!usage.containersUsing(id).isEmpty()) {
            // Forced past a stopped container: the container's rootfs still stacks on these layers.
            store.retainLayers(c, id, chains);
        }
        store.delete(c, id);
        records.add(DeleteResponseItem.deleted(id));
        deletedChains.addAll(chains);
        Optional<String> parent = row.parent();
        if (prune && parent.isPresent() && store.get(c, parent.get()).isPresent()) {
            deleteHelper(c, parent.get(), false, true, true, records);
        }
    }

    private Conflict conflict(Connection c, String id, int mask) throws SQLException {
        if ((mask & CHILD) != 0 && !store.children(c, id).isEmpty()) {
            return new Conflict(true, false, "image has dependent child images");
        }
        List<ImageUsage.User> users = usage.containersUsing(id);
        if ((mask & RUNNING) != 0) {
            for (ImageUsage.User u : users) {
                if (u.running()) {
                    return new Conflict(true, true, "image is being used by running container " + shortId(u.containerId()));
                }
            }
        }
        if ((mask & ACTIVE_REF) != 0 && !store.refs(c, id).isEmpty()) {
            return new Conflict(false, false, "image is referenced in multiple repositories");
        }
        if ((mask & STOPPED) != 0) {
            for (ImageUsage.User u : users) {
                if (!u.running()) {
                    return new Conflict(false, true, "image is being used by stopped container " + shortId(u.containerId()));
                }
            }
        }
        return null;
    }

    private static EngineException conflictError(String id, Conflict conflict) {
        return EngineException.conflict("conflict: unable to delete %s (%s) - %s", shortId(id),
                conflict.hard() ? "cannot be forced" : "must be forced", conflict.message());
    }

    private void untagAll(Connection c, String id, List<DeleteResponseItem> records) throws SQLException {
        for (RefRow r : store.refs(c, id)) {
            store.deleteRef(c, r.reference());
            records.add(DeleteResponseItem.untagged(ImageReference.parse(r.reference()).familiarString()));
        }
    }

    /** True when all references are in one repository (tags: at most one; digests: same name). */
    private static boolean isSingleReference(List<RefRow> refs) {
        if (refs.size() <= 1) {
            return refs.size() == 1;
        }
        String single = null;
        Set<String> canonical = new HashSet<>();
        for (RefRow r : refs) {
            if (r.digest()) {
                canonical.add(name(r));
            } else if (single == null) {
                single = name(r);
            } else {
                return false;
            }
        }
        if (single == null) {
            single = name(refs.getFirst());
        }
        return canonical.size() == 1 && canonical.contains(single);
    }

    private static String name(RefRow r) {
        return ImageReference.parse(r.reference()).name();
    }

    static boolean isIdPrefix(String id, String ref) {
        String hex = id.substring("sha256:".length());
        String r = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        return !r.isEmpty() && hex.startsWith(r);
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
