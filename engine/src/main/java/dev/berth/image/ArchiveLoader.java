package dev.berth.image;

import dev.berth.archive.Compression;
import dev.berth.archive.TarEntry;
import dev.berth.archive.TarReader;
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
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.LayerStore;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import tools.jackson.core.JacksonException;

/**
 * {@code docker load} of a docker-archive ({@code manifest.json}) or an OCI image layout
 * ({@code index.json}), plain or compressed, read in one pass from a stream. Nothing is written
 * under a name taken from the archive: small files (JSON) are kept in memory, and every other file
 * is spooled to a temporary file of the {@link LayerStore} as it streams by and unpacked from there
 * into a staged layer directory by one of a few workers while the archive is read on (a layer is
 * never held in memory; at most {@value #WORKERS} spool files exist at once). Each unpack reports
 * Docker's {@code Loading layer} progress. Once the archive is read and every unpack has ended,
 * manifests pick the layers they name; paths are
 * looked up, never opened, so a manifest that points outside the archive finds nothing. Layers
 * are verified against the config's diff ids (and OCI blobs against their digests), committed, and
 * the images recorded in one transaction. On any failure, staged and newly committed layers are
 * removed again.
 */
final class ArchiveLoader {
    /** Files up to this size are kept in memory whatever they hold. */
    private static final int SMALL = 1 << 20;
    /** A JSON file (first byte '{' or '[') may be this large. */
    private static final int JSON_MAX = 64 << 20;
    private static final int LINK_DEPTH = 16;
    /** All small files together may take this much memory. */
    private static final long MEMORY_MAX = 256L << 20;
    /** Layers unpacked at once (and spooled at most): the disk, not the CPU, is the limit. */
    static final int WORKERS = 3;

    /** One file of the archive, by its normalized path. */
    private sealed interface Blob {}

    private record Small(byte[] bytes, Digest digest) implements Blob {}

    private record Unpacked(LayerStore.Staged staged, Digest digest) implements Blob {}

    /** Spooled and being unpacked by a worker; {@link #settle} turns it into an outcome. */
    private record Spooled(Future<LayerStore.Staged> unpack, Digest digest) implements Blob {}

    private record Unreadable(String why, Digest digest) implements Blob {}

    private record Link(String target) implements Blob {}

    private record Pending(String id, byte[] config, List<String> diffIds, List<Blob> layers, List<ImageReference> tags) {}

    private final ImageStore store;
    private final LayerStore layers;
    private final Progress progress;
    private final Map<String, Blob> files = new HashMap<>();
    /** Staged layer directories (workers add to it), all discarded at the end: commit moved the wanted ones. */
    private final List<LayerStore.Staged> staged = Collections.synchronizedList(new ArrayList<>());
    private final Semaphore spools = new Semaphore(WORKERS);
    /** The {@link LayerPipe}s' buffers, reused from one layer to the next. */
    private final java.util.Queue<byte[]> buffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private long inMemory;

    /** {@code progress} hears {@code Loading layer} per layer unpacked (id: the layer file's short digest). */
    ArchiveLoader(ImageStore store, LayerStore layers, Progress progress) {
        this.store = store;
        this.layers = layers;
        this.progress = progress;
    }

    /** Loads {@code archive}; the caller holds the GC read lock. */
    LoadResult load(InputStream archive) throws IOException {
        try {
            try (ExecutorService workers = Unpackers.newExecutor("load-layer")) {
                read(archive, workers);
                settle();
            } // closing waits for every worker, also after a failure: nothing unpacks on behind our back
            List<Pending> images = files.containsKey("manifest.json") ? dockerArchive() : ociLayout();
            return commit(images);
        } catch (EngineException e) {
            drain(archive); // a client still sending should get to read the error, not a broken pipe
            throw e;
        } finally {
            for (LayerStore.Staged s : staged) {
                layers.discard(s);
            }
        }
    }

    // ---- pass 1: the archive ------------------------------------------------------------------

    private void read(InputStream archive, ExecutorService workers) throws IOException {
        TarReader reader;
        try {
            reader = new TarReader(Compression.decompress(archive));
            for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                String name = normalize(e.name());
                if (name == null) {
                    throw EngineException.invalid("invalid archive: %s points outside the archive", e.name());
                }
                switch (e.type()) {
                    case TarEntry.REGULAR -> files.put(name, file(name, reader.content(), e.size(), workers));
                    case TarEntry.SYMLINK -> {
                        String dir = name.contains("/") ? name.substring(0, name.lastIndexOf('/') + 1) : "";
                        String target = e.linkName().startsWith("/") ? null : normalize(dir + e.linkName());
                        files.put(name, target == null ? new Unreadable("symlink " + e.linkName()
                                + " points outside the archive", null) : new Link(target));
                    }
                    case TarEntry.HARDLINK -> {
                        String target = normalize(e.linkName());
                        files.put(name, target == null ? new Unreadable("hard link " + e.linkName()
                                + " points outside the archive", null) : new Link(target));
                    }
                    default -> {
                        // directories and anything else: no content a manifest could name
                    }
                }
            }
        } catch (EOFException e) {
            throw EngineException.invalid("invalid archive: unexpected EOF (the archive is truncated)");
        }
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException ignored) {
            // the error being reported matters more
        }
    }

    /**
     * Reads one file: into memory when small or JSON, else handed to a worker to unpack. A file named
     * by its digest (Docker 25+, OCI layouts, Podman, skopeo) goes to the worker as it is read
     * ({@link LayerPipe}: through memory while the worker keeps up), others are spooled whole first,
     * because Docker's {@code Loading layer} progress is named by the digest, known only at the end.
     */
    private Blob file(String name, InputStream content, long size, ExecutorService workers) throws IOException {
        MessageDigest sha = Digest.newSha256();
        InputStream in = new DigestInputStream(content, sha);
        byte[] head = in.readNBytes((int) Math.min(size, SMALL));
        if (head.length < Math.min(size, SMALL)) {
            throw new EOFException();
        }
        if (size <= SMALL) {
            held(head.length);
            return new Small(head, Digest.of(sha));
        }
        if (head[0] == '{' || head[0] == '[') {
            if (size > JSON_MAX) {
                throw EngineException.invalid("invalid archive: a JSON file of %d bytes is too large", size);
            }
            held(size);
            byte[] rest = in.readNBytes((int) (size - head.length));
            if (rest.length < size - head.length) {
                throw new EOFException();
            }
            byte[] all = new byte[(int) size];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(rest, 0, all, head.length, rest.length);
            return new Small(all, Digest.of(sha));
        }
        try {
            spools.acquire(); // all workers busy: wait rather than fill the disk with spool files
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("load cancelled");
        }
        boolean plain = Compression.of(head) == Compression.NONE;
        Optional<String> named = namedDigest(name);
        if (named.isPresent()) {
            return piped(head, plain ? content : in, size, plain ? null : sha, named.get(), workers);
        }
        Path spool = null;
        boolean handedOver = false;
        try {
            spool = layers.spoolFile();
            try (OutputStream out = Files.newOutputStream(spool)) {
                out.write(head);
                byte[] buf = head; // written out already: reused
                for (int n; (n = in.read(buf)) >= 0; ) { // a truncated archive fails here, before any worker sees the file
                    out.write(buf, 0, n);
                }
            }
            Digest digest = Digest.of(sha);
            Path file = spool;
            Future<LayerStore.Staged> unpack = workers.submit(() -> unpackSpooled(file, digest, size, plain));
            handedOver = true;
            return new Spooled(unpack, digest);
        } finally {
            if (!handedOver) {
                if (spool != null) {
                    Files.deleteIfExists(spool);
                }
                spools.release();
            }
        }
    }

    /**
     * Hands {@code content} (after {@code head}, read already) to a worker through a {@link LayerPipe};
     * {@code sha} (null for an uncompressed file, whose diff id is its digest) hears every byte.
     */
    private Blob piped(byte[] head, InputStream content, long size, MessageDigest sha, String hex,
            ExecutorService workers) throws IOException {
        LayerPipe pipe = new LayerPipe(layers::spoolFile, buffers);
        Future<LayerStore.Staged> unpack;
        try {
            unpack = workers.submit(() -> unpackPiped(pipe, hex, size));
        } catch (RuntimeException e) {
            spools.release();
            throw e;
        }
        pipe.fill(new java.io.SequenceInputStream(new ByteArrayInputStream(head), content), size);
        return new Spooled(unpack, sha == null ? null : Digest.of(sha));
    }

    /** A worker's job: unpacks what comes through {@code pipe}, reporting progress under {@code hex}'s short form. */
    private LayerStore.Staged unpackPiped(LayerPipe pipe, String hex, long size) throws IOException {
        try (InputStream in = pipe.input()) {
            return track(layers.stage(new ThrottledProgress(hex.substring(0, 12), "Loading layer", size, progress)
                    .counting(in)));
        } finally {
            spools.release();
        }
    }

    /** The hex digest a file is named by, if it is: {@code blobs/sha256/<hex>} or {@code <hex>.tar}. */
    static Optional<String> namedDigest(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1);
        if (last.endsWith(".tar")) {
            last = last.substring(0, last.length() - 4);
        }
        return last.matches("[0-9a-f]{64}") ? Optional.of(last) : Optional.empty();
    }

    /**
     * A worker's job: unpacks a spooled file into a staged layer, reporting progress, and deletes the
     * spool. An uncompressed file's sha256, hashed as it was spooled, is its diff id: not hashed again.
     */
    private LayerStore.Staged unpackSpooled(Path spool, Digest digest, long size, boolean plain) throws IOException {
        try (InputStream in = Files.newInputStream(spool)) {
            String id = digest.hex().substring(0, 12);
            InputStream counted = new ThrottledProgress(id, "Loading layer", size, progress).counting(in);
            return track(plain ? layers.stagePlain(counted, digest) : layers.stage(counted));
        } finally {
            Files.deleteIfExists(spool);
            spools.release();
        }
    }

    /** Stages a layer from {@code tar}, the archive's file of that digest and size, as Docker's "Loading layer". */
    private LayerStore.Staged stage(InputStream tar, Digest digest, long size) throws IOException {
        String id = digest.hex().substring(0, 12);
        return track(layers.stage(new ThrottledProgress(id, "Loading layer", size, progress).counting(tar)));
    }

    /**
     * Waits for every unpack and records its outcome: a file
     * that did not unpack is not a layer after all (or a bad one), fatal only if a manifest names it.
     */
    private void settle() throws IOException {
        for (Map.Entry<String, Blob> e : files.entrySet()) {
            if (e.getValue() instanceof Spooled s) {
                e.setValue(outcome(s));
            }
        }
    }

    private static Blob outcome(Spooled s) throws IOException {
        try {
            LayerStore.Staged staged = s.unpack().get();
            // an uncompressed file's digest is its diff id, taken by the worker as it unpacked
            return new Unpacked(staged, s.digest() != null ? s.digest() : Digest.parse(staged.diffId()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("load cancelled");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException || e.getCause() instanceof IOException) {
                return new Unreadable(e.getCause().getMessage(), s.digest());
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // as if unpacked on this thread
            }
            throw new IllegalStateException("unpacking a layer failed", e.getCause());
        }
    }

    /** Counts what is held in memory: an archive of countless small files must not exhaust it. */
    private void held(long bytes) {
        inMemory += bytes;
        if (inMemory > MEMORY_MAX) {
            throw EngineException.invalid("invalid archive: more than %d MiB of small files", MEMORY_MAX >> 20);
        }
    }

    /** The lexical path inside the archive, or null when it would leave the archive. */
    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(c);
            }
        }
        return String.join("/", parts);
    }

    // ---- pass 2: what the manifests say -------------------------------------------------------

    private List<Pending> dockerArchive() {
        byte[] json = small("manifest.json", "manifest.json");
        List<Pending> out = new ArrayList<>();
        List<Map<String, Object>> items;
        try {
            items = Json.MAPPER.readValue(json, new tools.jackson.core.type.TypeReference<List<Map<String, Object>>>() {});
        } catch (JacksonException e) {
            throw EngineException.invalid("invalid archive: failed to decode manifest.json: %s", e.getOriginalMessage());
        }
        if (items == null) {
            throw EngineException.invalid("invalid manifest, manifest cannot be null (but can be [])");
        }
        for (Map<String, Object> item : items) {
            String configPath = manifestPath(item.get("Config"), "Config");
            byte[] config = small(configPath, "config " + configPath);
            List<String> layerPaths = new ArrayList<>();
            if (item.get("Layers") instanceof List<?> l) {
                for (Object p : l) {
                    layerPaths.add(manifestPath(p, "Layers"));
                }
            }
            List<ImageReference> tags = new ArrayList<>();
            if (item.get("RepoTags") instanceof List<?> l) {
                for (Object t : l) {
                    ImageReference ref = ImageReference.parse(String.valueOf(t));
                    if (ref.tag().isEmpty() || ref.digest().isPresent()) {
                        throw EngineException.invalid("invalid tag %s", Json.string(String.valueOf(t)));
                    }
                    tags.add(ref);
                }
            }
            List<Blob> blobs = new ArrayList<>();
            for (String p : layerPaths) {
                blobs.add(resolve(p));
            }
            out.add(pending(config, blobs, tags));
        }
        return out;
    }

    private List<Pending> ociLayout() {
        if (!files.containsKey("index.json")) {
            throw EngineException.invalid("invalid archive: does not contain a manifest.json or an OCI index.json");
        }
        ManifestIndex index = readJson(small("index.json", "index.json"), ManifestIndex.class, "index.json");
        List<Pending> out = new ArrayList<>();
        Map<String, Integer> byManifest = new HashMap<>();
        for (Descriptor d : index.manifests()) {
            Descriptor m = platformManifest(d, 0);
            if (m == null) {
                continue; // attestations and other platforms
            }
            Optional<ImageReference> tag = imageName(d.annotations());
            Integer seen = byManifest.get(m.digest());
            if (seen != null) {
                tag.filter(t -> !out.get(seen).tags().contains(t)).ifPresent(out.get(seen).tags()::add);
                continue;
            }
            Manifest manifest = readJson(blob(m, "manifest"), Manifest.class, "manifest " + m.digest());
            if (manifest.config() == null) {
                throw EngineException.invalid("invalid archive: manifest %s has no config", m.digest());
            }
            byte[] config = blob(manifest.config(), "config");
            List<Blob> blobs = new ArrayList<>();
            for (Descriptor l : manifest.layers()) {
                Blob b = resolve(blobPath(l.digest()));
                if (!digestOf(b).map(x -> x.toString().equals(l.digest())).orElse(false)) {
                    throw EngineException.invalid("invalid archive: layer blob %s does not match its digest", l.digest());
                }
                blobs.add(b);
            }
            byManifest.put(m.digest(), out.size());
            out.add(pending(config, blobs, new ArrayList<>(tag.stream().toList())));
        }
        return out;
    }

    /** An image manifest for this platform: {@code d} itself or chosen from the index it names. */
    private Descriptor platformManifest(Descriptor d, int depth) {
        if (depth > 4) {
            throw EngineException.invalid("invalid archive: indexes nested too deeply");
        }
        if (d.mediaType() != null && MediaTypes.INDEXES.contains(d.mediaType())) {
            ManifestIndex nested = readJson(blob(d, "index"), ManifestIndex.class, "index " + d.digest());
            Descriptor chosen;
            try {
                chosen = nested.select(Platform.host());
            } catch (EngineException none) {
                return null;
            }
            return platformManifest(chosen, depth + 1);
        }
        if (d.platform() != null && "unknown".equals(d.platform().os())) {
            return null;
        }
        return d;
    }

    /** The name a layout gives a manifest: containerd's full-name annotation, or a full ref name. */
    private static Optional<ImageReference> imageName(Map<String, String> annotations) {
        if (annotations == null) {
            return Optional.empty();
        }
        String name = annotations.get("io.containerd.image.name");
        if (name == null) {
            String ref = annotations.get("org.opencontainers.image.ref.name");
            if (ref == null || !(ref.contains(":") || ref.contains("/"))) {
                return Optional.empty(); // a bare tag ("latest") names no repository
            }
            name = ref;
        }
        try {
            ImageReference r = ImageReference.parse(name);
            return r.digest().isPresent() ? Optional.empty() : Optional.of(r.withDefaultTag());
        } catch (EngineException notAName) {
            return Optional.empty();
        }
    }

    private Pending pending(byte[] config, List<Blob> blobs, List<ImageReference> tags) {
        ImageConfig c = readJson(config, ImageConfig.class, "image config");
        if (c.os() != null && !c.os().isEmpty() && !c.os().equals("linux")) {
            throw EngineException.invalid("cannot load %s image on linux", c.os());
        }
        List<String> diffIds = c.rootfs().diffIds();
        if (diffIds.size() != blobs.size()) {
            throw EngineException.invalid("invalid manifest, layers length mismatch: expected %d, got %d", blobs.size(),
                    diffIds.size());
        }
        return new Pending(Digest.sha256(config).toString(), config, diffIds, blobs, tags);
    }

    private byte[] blob(Descriptor d, String what) {
        Blob b = resolve(blobPath(d.digest()));
        if (!(b instanceof Small s)) {
            throw EngineException.invalid("invalid archive: %s %s is not a readable file", what, d.digest());
        }
        if (!s.digest().toString().equals(d.digest())) {
            throw EngineException.invalid("invalid archive: %s %s does not match its digest", what, d.digest());
        }
        return s.bytes();
    }

    private static String blobPath(String digest) {
        Digest d;
        try {
            d = Digest.parse(digest);
        } catch (EngineException e) {
            throw EngineException.invalid("invalid archive: unsupported digest %s", digest);
        }
        return "blobs/" + d.algorithm() + "/" + d.hex();
    }

    private byte[] small(String path, String what) {
        Blob b = resolve(path);
        if (b instanceof Small s) {
            return s.bytes();
        }
        throw EngineException.invalid("invalid archive: %s is not a readable file", what);
    }

    /** A path from manifest.json: relative, and inside the archive. */
    private static String manifestPath(Object value, String field) {
        if (!(value instanceof String s) || s.isEmpty()) {
            throw EngineException.invalid("invalid archive: manifest.json has no valid %s", field);
        }
        String n = s.startsWith("/") ? null : normalize(s);
        if (n == null || n.isEmpty()) {
            throw EngineException.invalid("invalid archive: path %s in manifest.json is outside the archive", s);
        }
        return n;
    }

    /** The file at {@code path}, following links inside the archive. */
    private Blob resolve(String path) {
        String p = path;
        for (int i = 0; i < LINK_DEPTH; i++) {
            Blob b = files.get(p);
            if (b == null) {
                if (p.equals("manifest.json") || p.equals("index.json")) {
                    throw EngineException.invalid("invalid archive: does not contain a %s", p);
                }
                throw EngineException.invalid("invalid archive: %s not found in the archive", path);
            }
            if (!(b instanceof Link l)) {
                return b;
            }
            p = l.target();
        }
        throw EngineException.invalid("invalid archive: too many links at %s", path);
    }

    private static Optional<Digest> digestOf(Blob b) {
        return switch (b) {
            case Small s -> Optional.of(s.digest());
            case Unpacked u -> Optional.of(u.digest());
            case Spooled u -> Optional.of(u.digest());
            case Unreadable u -> Optional.ofNullable(u.digest());
            case Link l -> Optional.empty();
        };
    }

    private static <T> T readJson(byte[] json, Class<T> type, String what) {
        try {
            T v = Json.read(json, type);
            if (v == null) {
                throw EngineException.invalid("invalid archive: %s is empty", what);
            }
            return v;
        } catch (JacksonException e) {
            throw EngineException.invalid("invalid archive: failed to decode %s: %s", what, e.getOriginalMessage());
        }
    }

    // ---- pass 3: layers in place, images recorded ---------------------------------------------

    private LoadResult commit(List<Pending> images) throws IOException {
        List<String> created = new ArrayList<>(); // chain ids this load added, undone on failure
        Map<Blob, String> committedAs = new IdentityHashMap<>();
        boolean ok = false;
        try {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (Pending img : images) {
                Optional<String> parent = Optional.empty();
                long size = 0;
                for (int i = 0; i < img.layers().size(); i++) {
                    String diffId = img.diffIds().get(i);
                    String chain = LayerStore.chainId(parent, diffId);
                    Optional<LayerStore.Layer> have = layers.get(chain);
                    if (have.isEmpty()) {
                        LayerStore.Staged s = stageFor(img.layers().get(i), committedAs, i);
                        if (!s.diffId().equals(diffId)) {
                            throw EngineException.invalid("invalid diffID for layer %d: expected \"%s\", got \"%s\"", i,
                                    diffId, s.diffId());
                        }
                        have = Optional.of(layers.commit(s, parent));
                        committedAs.put(img.layers().get(i), chain);
                        created.add(chain);
                    } else {
                        checkDiffId(img.layers().get(i), diffId, i);
                    }
                    size += have.get().size();
                    parent = Optional.of(chain);
                }
                sizes.put(img.id(), size);
            }
            List<String> messages = new ArrayList<>();
            List<LoadResult.LoadedImage> loaded = new ArrayList<>();
            long now = LocalImageService.nanos(Instant.now());
            store.database().transaction(c -> {
                for (Pending img : images) {
                    ImageConfig config = Json.read(img.config(), ImageConfig.class);
                    long createdAt = config.createdInstant().map(LocalImageService::nanos).orElse(now);
                    store.add(c, new ImageRow(img.id(), img.config(), createdAt, sizes.get(img.id()), Optional.empty(), 0));
                    List<String> tags = new ArrayList<>();
                    for (ImageReference tag : img.tags()) {
                        Optional<String> prev = store.resolveRef(c, tag.toString());
                        if (prev.isPresent() && !prev.get().equals(img.id())) {
                            messages.add("The image " + tag.familiarString() + " already exists, renaming the old one with ID "
                                    + prev.get() + " to empty string");
                        }
                        store.putRef(c, tag.toString(), img.id(), false);
                        store.setLastTagTime(c, img.id(), now);
                        messages.add("Loaded image: " + tag.familiarString());
                        tags.add(tag.familiarString());
                    }
                    if (tags.isEmpty()) {
                        messages.add("Loaded image ID: " + img.id());
                    }
                    loaded.add(new LoadResult.LoadedImage(img.id(), List.copyOf(tags)));
                }
                return null;
            });
            ok = true;
            return new LoadResult(List.copyOf(loaded), List.copyOf(messages));
        } finally {
            if (!ok) {
                for (String chain : created.reversed()) {
                    layers.remove(chain);
                }
            }
        }
    }

    /** The staged layer for {@code b}; a blob used again under another parent is staged anew. */
    private LayerStore.Staged stageFor(Blob b, Map<Blob, String> committedAs, int index) throws IOException {
        switch (b) {
            case Unpacked u when !committedAs.containsKey(b) -> {
                return u.staged();
            }
            case Unpacked u -> {
                Optional<InputStream> tar = layers.openTar(committedAs.get(b));
                if (tar.isEmpty()) {
                    throw EngineException.system(null, "layer %s vanished during load", committedAs.get(b));
                }
                try (InputStream in = tar.get()) {
                    return track(layers.stage(in));
                }
            }
            case Small s -> {
                return stage(new ByteArrayInputStream(s.bytes()), s.digest(), s.bytes().length);
            }
            case Unreadable u -> throw EngineException.invalid("invalid archive: layer %d is not a readable layer: %s",
                    index, u.why());
            case Link l -> throw new IllegalStateException("links are resolved before");
            case Spooled l -> throw new IllegalStateException("unpacks are settled before");
        }
    }

    private LayerStore.Staged track(LayerStore.Staged s) {
        staged.add(s);
        return s;
    }

    /** A layer present already still has to be the one the archive holds, as Docker checks. */
    private static void checkDiffId(Blob b, String diffId, int index) {
        if (b instanceof Unpacked u && !u.staged().diffId().equals(diffId)) {
            throw EngineException.invalid("invalid diffID for layer %d: expected \"%s\", got \"%s\"", index, diffId,
                    u.staged().diffId());
        }
        if (b instanceof Unreadable u) {
            throw EngineException.invalid("invalid archive: layer %d is not a readable layer: %s", index, u.why());
        }
    }
}
