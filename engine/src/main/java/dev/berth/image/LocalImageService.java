package dev.berth.image;

import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.oci.ContainerConfig;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Platform;
import dev.berth.oci.Rfc3339;
import dev.berth.store.ContentStore;
import dev.berth.store.Database;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.ImageStore.RefRow;
import dev.berth.store.LayerStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The production {@link ImageService}: metadata in SQLite ({@link ImageStore}), layers unpacked
 * once per chain id ({@link LayerStore}). Layers no image (and no container of a force-deleted
 * image) uses are removed right after the deletion that freed them, and with them the blobs
 * (compressed layers, configs, manifests) nothing refers to any more ({@link BlobCollector});
 * blobs a crash left unreferenced are swept when the service starts.
 */
public final class LocalImageService implements ImageService {
    private final Path dataRoot;
    private final ImageStore store;
    private final LayerStore layers;
    private final ContentStore content;
    private final DistributionStore dist;
    /** Unpacking holds the read side, layer GC the write side: GC never removes a layer being added. */
    private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
    private volatile ImageUsage usage = ImageUsage.NONE;

    public LocalImageService(Path dataRoot, Database db) {
        this.dataRoot = dataRoot;
        this.store = new ImageStore(db);
        this.layers = new LayerStore(dataRoot);
        this.content = new ContentStore(dataRoot);
        this.dist = new DistributionStore(db);
        try {
            blobCollector().collect(); // what a crash between a blob's write and its record left
            List<String> legacy = layers.legacyTars();
            if (!legacy.isEmpty()) {
                Thread.ofVirtual().name("layer-tar-migration").start(() -> migrateLegacyTars(legacy));
            }
        } catch (IOException e) {
            throw EngineException.system(e, "blob garbage collection: %s", e.getMessage());
        }
    }

    /**
     * Replaces the whole layer tars an earlier berth kept ({@code layer.tar}) by tar-split
     * metadata, one layer at a time in the background; layers stay usable throughout (their tar
     * is read until the metadata is in place) and a layer whose tar does not rebuild keeps it.
     */
    private void migrateLegacyTars(List<String> chains) {
        int n = 0;
        long freed = 0;
        for (String chain : chains) {
            gcLock.readLock().lock(); // the layer is not removed meanwhile
            try {
                long f = layers.migrateLegacyTar(chain);
                if (f > 0) {
                    n++;
                    freed += f;
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("berthd: layer " + chain + " keeps its layer.tar: " + e.getMessage());
            } finally {
                gcLock.readLock().unlock();
            }
        }
        if (n > 0) {
            System.err.println("berthd: replaced the layer.tar of " + n + " layer" + (n == 1 ? "" : "s")
                    + " by tar-split metadata, " + (freed >> 20) + " MiB freed");
        }
    }

    /** What pull and push remember about registries (same package). */
    DistributionStore distribution() {
        return dist;
    }

    private BlobCollector blobCollector() {
        return new BlobCollector(store, layers, content, dist, dataRoot);
    }

    public LocalImageService(Path dataRoot, Database db, ImageUsage usage) {
        this(dataRoot, db);
        setUsage(usage);
    }

    /** Tells the service which containers use which images (set once by the daemon's wiring). */
    public void setUsage(ImageUsage usage) {
        this.usage = usage;
    }

    public LayerStore layers() {
        return layers;
    }

    public ContentStore content() {
        return content;
    }

    Database db() {
        return store.database();
    }

    /** For pull and push (same package): the image table, and the lock that keeps layer GC out. */
    ImageStore imageStore() {
        return store;
    }

    ReadWriteLock gcLock() {
        return gcLock;
    }

    Path dataRoot() {
        return dataRoot;
    }

    /** Looks an image row up by any reference {@link #inspect} accepts. */
    ImageRow findRow(Connection c, String ref) throws SQLException {
        return find(c, ref);
    }

    @Override
    public String importImage(InputStream tar, Optional<String> repoTag, List<String> changes, String message) {
        // Validate everything cheap before unpacking anything.
        Optional<ImageReference> ref = repoTag.filter(s -> !s.isEmpty()).map(LocalImageService::tagTarget);
        ContainerConfig cfg = ChangeParser.apply(ContainerConfig.EMPTY, changes == null ? List.of() : changes);
        String comment = message == null || message.isEmpty() ? null : message;
        gcLock.readLock().lock();
        try {
            LayerStore.Layer layer = layers.unpack(Optional.empty(), tar);
            Instant now = Instant.now();
            String created = Rfc3339.format(now);
            ImageConfig config = new ImageConfig(goArch(), null, "linux", created, null, comment, null, cfg,
                    new ImageConfig.RootFs("layers", List.of(layer.diffId())),
                    List.of(new ImageConfig.History(created, null, null, comment, false)));
            byte[] bytes = Json.bytes(config);
            String id = Digest.sha256(bytes).toString();
            long nanos = nanos(now);
            db().transaction(c -> {
                store.add(c, new ImageRow(id, bytes, nanos, layer.size(), Optional.empty(), 0));
                if (ref.isPresent()) {
                    store.putRef(c, ref.get().toString(), id, false);
                    store.setLastTagTime(c, id, nanos);
                }
                return null;
            });
            return id;
        } catch (IOException e) {
            throw EngineException.system(e, "import: %s", e.getMessage());
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public List<Image> list(boolean all, Map<String, List<String>> filters) {
        ImageFilters f = ImageFilters.forList(filters == null ? Map.of() : filters);
        return db().read(c -> {
            Optional<Instant> before = Optional.empty();
            Optional<Instant> since = Optional.empty();
            if (f.before().isPresent()) {
                before = Optional.of(created(find(c, f.before().get())));
            }
            if (f.since().isPresent()) {
                since = Optional.of(created(find(c, f.since().get())));
            }
            Optional<Instant> b4 = before;
            Optional<Instant> after = since;
            List<Image> out = new ArrayList<>();
            for (ImageRow row : store.all(c)) {
                Image img = toImage(c, row, f.references());
                boolean untagged = img.repoTags().isEmpty() && img.repoDigests().isEmpty();
                if (untagged && !f.references().isEmpty()) {
                    continue; // images had references, none matched
                }
                if (untagged && !all && !store.children(c, row.id()).isEmpty()) {
                    continue; // an intermediate image
                }
                if (f.dangling().isPresent() && f.dangling().get() != img.repoTags().isEmpty()) {
                    continue;
                }
                if (!f.labelsMatch(labels(img)) || b4.filter(b -> !img.created().isBefore(b)).isPresent()
                        || after.filter(s -> !img.created().isAfter(s)).isPresent()) {
                    continue;
                }
                out.add(img);
            }
            out.sort((a, b) -> b.created().compareTo(a.created()));
            return out;
        });
    }

    @Override
    public Image inspect(String ref) {
        return db().read(c -> toImage(c, find(c, ref), List.of()));
    }

    @Override
    public Image resolve(String ref) {
        return inspect(ref);
    }

    @Override
    public void tag(String source, String target) {
        ImageReference ref = tagTarget(target);
        long now = nanos(Instant.now());
        db().transaction(c -> {
            ImageRow row = find(c, source);
            store.putRef(c, ref.toString(), row.id(), false);
            store.setLastTagTime(c, row.id(), now);
            return null;
        });
    }

    @Override
    public List<DeleteResponseItem> remove(String ref, boolean force, boolean noPrune) {
        return removeCounting(ref, force, !noPrune).items();
    }

    @Override
    public PruneReport prune(boolean all, Map<String, List<String>> filters) {
        ImageFilters f = ImageFilters.forPrune(filters == null ? Map.of() : filters);
        boolean danglingOnly = !all && f.dangling().orElse(true);
        List<DeleteResponseItem> deleted = new ArrayList<>();
        long reclaimed = 0;
        List<ImageRow> candidates = db().read(c -> {
            List<ImageRow> out = new ArrayList<>();
            for (ImageRow row : store.all(c)) {
                List<RefRow> refs = store.refs(c, row.id());
                Image img = toImage(c, row, List.of());
                if ((danglingOnly && !refs.isEmpty()) || !store.children(c, row.id()).isEmpty()
                        || !usage.containersUsing(row.id()).isEmpty() || !f.labelsMatch(labels(img))
                        || f.until().filter(u -> !img.created().isBefore(u)).isPresent()) {
                    continue;
                }
                out.add(row);
            }
            return out;
        });
        for (ImageRow row : candidates) {
            try {
                List<RefRow> refs = db().read(c -> store.refs(c, row.id()));
                if (refs.isEmpty()) {
                    Removal r = removeCounting(row.id(), false, true);
                    deleted.addAll(r.items());
                    reclaimed += r.reclaimed();
                } else {
                    for (RefRow ref : refs) {
                        Removal r = removeCounting(ref.reference(), false, true);
                        deleted.addAll(r.items());
                        reclaimed += r.reclaimed();
                    }
                }
            } catch (EngineException e) {
                if (e.kind() != ErrorKind.CONFLICT && e.kind() != ErrorKind.NOT_FOUND) {
                    throw e;
                }
                // in use or gone since the listing: leave it, as Docker does
            }
        }
        return new PruneReport(deleted, reclaimed);
    }

    @Override
    public List<HistoryItem> history(String ref, Optional<Platform> platform) {
        return db().read(c -> {
            ImageRow row = find(c, ref);
            platform.ifPresent(p -> requirePlatform(ref, row, p));
            return ImageHistory.of(c, store, layers, row);
        });
    }

    @Override
    public void save(List<String> names, Optional<Platform> platform, java.util.function.Supplier<java.io.OutputStream> out) {
        ArchiveSaver saver = new ArchiveSaver(store, layers, dataRoot, this::find);
        gcLock.readLock().lock(); // no layer of a selected image goes away while it streams
        try {
            List<ArchiveSaver.Selected> selected = db().read(c -> {
                List<ArchiveSaver.Selected> s = saver.select(c, names); // a missing name is "No such image" first
                if (platform.isPresent()) {
                    for (ArchiveSaver.Selected image : s) {
                        // Docker names the reference as given; with several names, the image's first tag
                        String shown = names.size() == 1 ? names.getFirst()
                                : image.tags().isEmpty() ? image.row().id() : image.tags().getFirst().familiarString();
                        requirePlatform(shown, image.row(), platform.get());
                    }
                }
                return s;
            });
            saver.write(selected, out.get());
        } catch (IOException e) {
            // mostly a client gone mid-stream: nothing to report, nothing to log
            throw new java.io.UncheckedIOException(e);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /**
     * Docker's answer (daemon/images GetImage) when an image is not of the platform asked for:
     * each image here has the one platform of its config.
     */
    private static void requirePlatform(String ref, ImageRow row, Platform wanted) {
        ImageConfig config = Json.read(row.config(), ImageConfig.class);
        if (config.architecture() == null) {
            return; // an import without a platform: Docker treats it as the host's
        }
        Platform actual = Platform.of(config.os(), config.architecture(), config.variant());
        if (!wanted.matches(actual)) {
            throw EngineException.notFound(
                    "image with reference %s was found but does not match the specified platform: wanted %s, actual: %s", ref,
                    wanted.formatted(), actual.formatted());
        }
    }

    @Override
    public LoadResult load(InputStream archive, Progress progress) {
        gcLock.readLock().lock();
        try {
            return new ArchiveLoader(store, layers, progress).load(archive);
        } catch (IOException e) {
            throw EngineException.system(e, "load: %s", e.getMessage());
        } finally {
            gcLock.readLock().unlock();
        }
    }

    /**
     * Removes layers no image uses, releases retained layers of containers that are gone, then
     * removes blobs nothing refers to and partial downloads untouched for a day.
     */
    public void collectGarbage() {
        gcLock.writeLock().lock();
        try {
            new LayerCollector(store, layers, usage).collectAll();
            blobCollector().collect();
        } catch (IOException e) {
            throw EngineException.system(e, "layer garbage collection: %s", e.getMessage());
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    record Removal(List<DeleteResponseItem> items, long reclaimed) {}

    private Removal removeCounting(String ref, boolean force, boolean prune) {
        gcLock.writeLock().lock();
        try {
            ImageRemover remover = new ImageRemover(store, usage, this::find);
            List<DeleteResponseItem> items = db().transaction(c -> remover.remove(c, ref, force, prune));
            LayerCollector.Result freed = new LayerCollector(store, layers, usage).collect(remover.deletedChains());
            if (items.stream().anyMatch(i -> i.deleted() != null)) {
                blobCollector().collect(); // an image went: its config, manifests and layer blobs may be free
            }
            List<DeleteResponseItem> all = new ArrayList<>(items);
            freed.removed().forEach(chain -> all.add(DeleteResponseItem.deleted(chain)));
            return new Removal(all, freed.bytes());
        } catch (IOException e) {
            throw EngineException.system(e, "remove image layers: %s", e.getMessage());
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /**
     * Docker's image lookup: full id, {@code sha256:} id, a name (default tag latest), then a unique
     * id prefix.
     */
    ImageRow find(Connection c, String ref) throws SQLException {
        return lookup(c, ref).orElseThrow(() -> EngineException.notFound("No such image: %s", ref));
    }

    private Optional<ImageRow> lookup(Connection c, String ref) throws SQLException {
        if (ref == null || ref.isEmpty()) {
            return Optional.empty();
        }
        if (ImageReference.isFullId(ref)) {
            return store.get(c, "sha256:" + ref);
        }
        if (ref.startsWith("sha256:") && ImageReference.isFullId(ref.substring(7))) {
            return store.get(c, ref);
        }
        EngineException notAName = null;
        try {
            ImageReference named = ImageReference.parse(ref).withDefaultTag();
            Optional<String> id = store.resolveRef(c, named.toString());
            if (id.isPresent()) {
                return store.get(c, id.get());
            }
        } catch (EngineException e) {
            notAName = e; // may still be an id prefix such as "sha256:ab"
        }
        String hex = ref.startsWith("sha256:") ? ref.substring(7) : ref;
        boolean idPrefix = !hex.isEmpty() && hex.matches("[a-f0-9]+");
        if (idPrefix) {
            List<ImageRow> matches = store.byPrefix(c, hex);
            if (matches.size() == 1) {
                return Optional.of(matches.getFirst());
            }
        }
        if (notAName != null && !idPrefix) {
            throw notAName; // neither a name nor an id: Docker answers 400 "invalid reference format"
        }
        return Optional.empty();
    }

    /** Builds the domain view; with {@code refPatterns}, only matching references are listed. */
    private Image toImage(Connection c, ImageRow row, List<String> refPatterns) throws SQLException {
        ImageConfig config = Json.read(row.config(), ImageConfig.class);
        List<String> tags = new ArrayList<>();
        List<String> digests = new ArrayList<>();
        for (RefRow r : store.refs(c, row.id())) {
            ImageReference ref = ImageReference.parse(r.reference());
            if (!refPatterns.isEmpty() && refPatterns.stream().noneMatch(p -> ImageFilters.familiarMatch(p, ref))) {
                continue;
            }
            (r.digest() ? digests : tags).add(ref.familiarString());
        }
        List<String> chains = LayerStore.chainIds(config.rootfs().diffIds());
        List<Path> dirs = chains.stream()
                .map(ch -> dataRoot.resolve("layers").resolve(Digest.parse(ch).hex()).resolve("diff")).toList();
        Instant created = config.createdInstant().orElse(fromNanos(row.created()));
        Optional<Instant> tagged = row.lastTagTime() == 0 ? Optional.empty() : Optional.of(fromNanos(row.lastTagTime()));
        return new Image(row.id(), config, List.copyOf(tags), List.copyOf(digests), row.parent(), created, row.size(),
                tagged, chains, dirs);
    }

    private static Instant created(ImageRow row) {
        ImageConfig config = Json.read(row.config(), ImageConfig.class);
        return config.createdInstant().orElse(fromNanos(row.created()));
    }

    private static Map<String, String> labels(Image img) {
        Map<String, String> l = img.config().config() == null ? null : img.config().config().labels();
        return l == null ? Map.of() : l;
    }

    /** A tag target: a name with an optional tag (default latest), never a digest. */
    static ImageReference tagTarget(String target) {
        ImageReference ref = ImageReference.parse(target);
        if (ref.digest().isPresent()) {
            throw EngineException.invalid("refusing to create a tag with a digest reference");
        }
        return ref.withDefaultTag();
    }

    private static String goArch() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Instant fromNanos(long n) {
        return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
    }
}
