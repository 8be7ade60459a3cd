package dev.berth.store;

import dev.berth.archive.Extraction;
import dev.berth.archive.Gunzip;
import dev.berth.archive.TarExtractor;
import dev.berth.archive.TarSplit;
import dev.berth.common.AtomicFiles;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Unpacked layers under {@code <dataRoot>/layers/<chain-id hex>/diff}, each one an overlayfs
 * lowerdir, with the tar-split metadata of the tar they came from in {@code tar-split.gz} beside
 * it (a few hundred bytes per entry: header blocks, padding, file references; see
 * {@link TarSplit}), from which {@link #openTar} rebuilds the original tar byte for byte, so that
 * {@code save} and {@code push} keep the diff id (re-archiving a tree rarely gives the same one).
 * Layers unpacked by earlier berth versions kept the whole tar in {@code layer.tar}; it is still
 * read, and replaced by tar-split metadata when the same layer is unpacked again. Both live and
 * die with their layer, so they need no separate collection. A layer is unpacked into a temp directory beside the others and renamed into place
 * with its metadata, so a layer directory under its chain id is always complete; two unpacks of
 * the same chain id race harmlessly (the loser's copy is deleted). Removal renames first, so a
 * crash mid-delete never leaves a half layer under a valid name.
 */
public final class LayerStore {
    private static final String TMP = ".tmp-";
    /** The whole layer tar, as berth kept it before tar-split: still read, never written. */
    private static final String LEGACY_TAR = "layer.tar";
    private static final String SPLIT = "tar-split.gz";
    private static final String SPILL = "tar-split.spill";
    private final Path dir;

    /** One unpacked layer. Ids are {@code sha256:<hex>}. */
    public record Layer(String chainId, String diffId, Optional<String> parent, long size, Path diffDir) {}

    private record Meta(String chainId, String diffId, String parent, long size) {}

    public LayerStore(Path dataRoot) {
        this.dir = dataRoot.resolve("layers");
        try {
            Files.createDirectories(dir);
            try (var s = Files.newDirectoryStream(dir, TMP + "*")) {
                for (Path p : s) {
                    AtomicFiles.deleteTree(p); // left by a crash during unpack or removal
                }
            }
        } catch (IOException e) {
            throw EngineException.system(e, "create layer store %s", dir);
        }
    }

    /** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
    public static String chainId(Optional<String> parentChainId, String diffId) {
        return parentChainId.map(p -> Digest.sha256((p + " " + diffId).getBytes(StandardCharsets.UTF_8)).toString())
                .orElse(diffId);
    }

    /** The chain id of every prefix of {@code diffIds}, lowest first. */
    public static List<String> chainIds(List<String> diffIds) {
        List<String> out = new ArrayList<>();
        Optional<String> parent = Optional.empty();
        for (String d : diffIds) {
            String c = chainId(parent, d);
            out.add(c);
            parent = Optional.of(c);
        }
        return out;
    }

    public Optional<Layer> get(String chainId) {
        Path d = layerDir(chainId);
        try {
            Meta m = Json.read(Files.readAllBytes(d.resolve("layer.json")), Meta.class);
            return Optional.of(new Layer(m.chainId(), m.diffId(), Optional.ofNullable(m.parent()), m.size(),
                    d.resolve("diff")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw EngineException.system(e, "read layer %s", chainId);
        }
    }

    /**
     * Unpacks {@code archive} (plain or compressed) on top of {@code parentChainId}, unless a layer
     * with the resulting chain id exists already, and returns the layer. The tar-split metadata of
     * the uncompressed layer tar is kept beside the unpacked tree (see {@link #openTar}).
     *
     * @throws EngineException NOT_FOUND if the parent layer is absent
     */
    public Layer unpack(Optional<String> parentChainId, InputStream archive) throws IOException {
        if (parentChainId.isPresent() && get(parentChainId.get()).isEmpty()) {
            throw EngineException.notFound("parent layer %s not found", parentChainId.get());
        }
        Staged p = stage(archive);
        try {
            return commit(p, parentChainId);
        } finally {
            discard(p);
        }
    }

    /**
     * A layer unpacked into a temporary directory beside the others, not yet under its chain id.
     * Unpacking does not depend on the parent, so several layers of one image can be prepared at
     * once; {@link #commit} puts them in place lowest first, {@link #discard} drops one that is not wanted.
     */
    public record Staged(Path dir, String diffId, long size) {}

    /**
     * Unpacks {@code archive} into a temporary layer directory and records the tar-split metadata
     * of its uncompressed tar (whose sha256 is the diff id). Invisible to {@link #get} and {@link #list}.
     */
    public Staged stage(InputStream archive) throws IOException {
        return stage(archive, null);
    }

    /**
     * As {@link #stage(InputStream)} for an uncompressed tar whose sha256 the caller computed from
     * these very bytes (a file it spooled): that is the diff id, so the tar is not hashed again.
     */
    public Staged stagePlain(InputStream plainTar, Digest sha256) throws IOException {
        return stage(plainTar, java.util.Objects.requireNonNull(sha256));
    }

    private Staged stage(InputStream archive, Digest plainSha256) throws IOException {
        Path tmp = dir.resolve(TMP + UUID.randomUUID());
        boolean ok = false;
        try {
            Path diff = Files.createDirectories(tmp.resolve("diff"));
            Extraction x;
            try (FileChannel ch = FileChannel.open(tmp.resolve(SPLIT), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
                    OutputStream file = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16)) {
                TarSplit.Recorder split = new TarSplit.Recorder(gz, diff, tmp.resolve(SPILL));
                x = plainSha256 == null ? TarExtractor.extract(archive, diff, split)
                        : TarExtractor.extractPlain(archive, diff, split, plainSha256);
                Instant unpacked = Instant.now(); // every change of the tree happened before
                gz.finish();
                file.flush();
                stampLaterThan(ch, tmp.resolve(SPLIT), unpacked);
                ch.force(true);
            }
            ok = true;
            return new Staged(tmp, x.diffId().toString(), x.size());
        } finally {
            if (!ok) {
                AtomicFiles.deleteTree(tmp);
            }
        }
    }

    /**
     * Rewrites the metadata's last byte (unchanged) until the file system gives it an mtime later than
     * {@code unpacked}. {@link TarSplit#scan} counts a file whose ctime is not before that mtime as
     * changed since, and file times come from a clock that ticks every few milliseconds (4 at HZ=250):
     * without this the unpack's last files tie with the metadata, and every save rebuilds and hashes
     * the whole tar once more just to learn its size. Waits one tick at most, and gives up after 50 ms
     * (a file system that keeps whole seconds): such a save then checks more than it needs to.
     */
    private static void stampLaterThan(FileChannel ch, Path file, Instant unpacked) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        long at = ch.size() - 1;
        for (int i = 0; i < 50 && !Files.getLastModifiedTime(file).toInstant().isAfter(unpacked); i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the metadata is complete; a save then only checks more than it needs to
            }
            last.clear();
            ch.read(last, at);
            last.flip();
            ch.write(last, at);
        }
    }

    /**
     * As {@link #stage(InputStream)} for a gzip blob file that libdeflate can inflate whole (see
     * {@link Gunzip}); empty for any other, which the caller streams instead. {@code extracted}
     * hears how far the extraction got, in bytes of the blob, as a stream's reader would.
     */
    public Optional<Staged> stageInflated(Path blob, LongConsumer extracted) throws IOException {
        try (Arena arena = Arena.ofConfined()) { // read by this thread only; closing a shared one stops every thread
            Optional<InputStream> inflated = Gunzip.open(blob, arena, extracted);
            if (inflated.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = inflated.get()) {
                return Optional.of(stage(in));
            }
        }
    }

    /**
     * Puts a prepared layer in place as the child of {@code parentChainId} and returns it. If the
     * layer exists already, the existing one is kept (and given the prepared tar-split metadata if
     * it had none: the same tar unpacks to the same tree);
     * what is left of the staged directory is removed either way.
     */
    public Layer commit(Staged p, Optional<String> parentChainId) throws IOException {
        if (parentChainId.isPresent() && get(parentChainId.get()).isEmpty()) {
            throw EngineException.notFound("parent layer %s not found", parentChainId.get());
        }
        String chainId = chainId(parentChainId, p.diffId());
        Path target = layerDir(chainId);
        try {
            place(p, chainId, parentChainId, target);
        } finally {
            discard(p); // what is left of it when the layer existed already
        }
        return get(chainId).orElseThrow(() -> new IOException("layer " + chainId + " vanished"));
    }

    private void place(Staged p, String chainId, Optional<String> parentChainId, Path target) throws IOException {
        if (!Files.exists(target)) {
            AtomicFiles.write(p.dir().resolve("layer.json"),
                    Json.bytes(new Meta(chainId, p.diffId(), parentChainId.orElse(null), p.size())));
            try {
                Files.move(p.dir(), target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.syncDirectory(dir);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException lostRace) {
                // another unpack of the same content won; its copy is identical
            } catch (java.nio.file.FileSystemException e) {
                if (!Files.exists(target.resolve("layer.json"))) {
                    throw e;
                }
                // rename(2) onto the winner's non-empty directory: ENOTEMPTY, which the JDK does
                // not map to DirectoryNotEmptyException. Lost the race, as above.
            }
        } else if (!Files.exists(target.resolve(SPLIT)) && Files.exists(p.dir().resolve(SPLIT))) {
            try {
                // a spill directory without metadata is a crash's leftover: nothing reads it
                AtomicFiles.deleteTree(target.resolve(SPILL));
                if (Files.isDirectory(p.dir().resolve(SPILL))) {
                    Files.move(p.dir().resolve(SPILL), target.resolve(SPILL), StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(p.dir().resolve(SPLIT), target.resolve(SPLIT), StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.syncDirectory(target);
                Files.deleteIfExists(target.resolve(LEGACY_TAR)); // migrated
            } catch (IOException raced) {
                // removed or given metadata meanwhile: the metadata is an optimisation only
            }
        }
    }

    /**
     * A new empty file beside the layers, for data on its way into one (a layer spooled while an
     * archive is read on): on the same filesystem, and removed at the next start if a crash leaves
     * it. The caller deletes it.
     */
    public Path spoolFile() throws IOException {
        return Files.createFile(dir.resolve(TMP + "spool-" + UUID.randomUUID()));
    }

    /** Removes a staged layer that is not wanted; harmless after {@link #commit}. */
    public void discard(Staged p) throws IOException {
        AtomicFiles.deleteTree(p.dir());
    }

    /**
     * The layer's uncompressed tar exactly as it was unpacked (sha256 = diff id), rebuilt from its
     * tar-split metadata and its tree (or read from the {@code layer.tar} an earlier berth kept);
     * empty when the layer or its metadata is absent (layers unpacked before berth kept either:
     * re-archive their tree instead). The stream checks itself: a tree file that is missing or of
     * another size fails the read at once, and a stream whose sha256 is not the diff id throws
     * {@link TarSplit.MismatchException} at its end instead of ending; callers then fall back to
     * re-archiving the tree.
     */
    public Optional<InputStream> openTar(String chainId) throws IOException {
        Optional<Layer> layer = get(chainId);
        if (layer.isEmpty()) {
            return Optional.empty();
        }
        Path d = layerDir(chainId);
        Digest diffId = Digest.parse(layer.get().diffId());
        InputStream meta;
        try {
            meta = Files.newInputStream(d.resolve(SPLIT));
        } catch (NoSuchFileException e) {
            try {
                return Optional.of(TarSplit.verified(Files.newInputStream(d.resolve(LEGACY_TAR)), diffId));
            } catch (NoSuchFileException none) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(TarSplit.assemble(new GZIPInputStream(meta, 1 << 16), layer.get().diffDir(),
                    d.resolve(SPILL), diffId));
        } catch (IOException e) {
            meta.close();
            throw e instanceof TarSplit.MismatchException ? e
                    : new TarSplit.MismatchException("tar-split metadata of " + chainId + " is unreadable: " + e.getMessage());
        }
    }

    /**
     * The length of the layer's original tar if {@link #openTar} can rebuild it, known before
     * rebuilding it (a tar entry's header comes before its content): judged from the metadata and
     * lstat of the tree's files, and only when a file's status changed after the layer was
     * unpacked, by rebuilding it once and checking the diff id. Empty when there is nothing to
     * rebuild from; {@link TarSplit.MismatchException} when the tree no longer gives the diff id.
     */
    public Optional<Long> originalTarSize(String chainId) throws IOException {
        Optional<Layer> layer = get(chainId);
        if (layer.isEmpty()) {
            return Optional.empty();
        }
        Path d = layerDir(chainId);
        Path split = d.resolve(SPLIT);
        java.nio.file.attribute.FileTime recordedAt;
        InputStream meta;
        try {
            recordedAt = Files.getLastModifiedTime(split);
            meta = Files.newInputStream(split);
        } catch (NoSuchFileException e) {
            try {
                return Optional.of(Files.size(d.resolve(LEGACY_TAR)));
            } catch (NoSuchFileException none) {
                return Optional.empty();
            }
        }
        long size;
        try {
            size = TarSplit.scan(new GZIPInputStream(meta, 1 << 16), layer.get().diffDir(), d.resolve(SPILL), recordedAt);
        } catch (IOException e) {
            meta.close();
            throw e instanceof TarSplit.MismatchException ? e
                    : new TarSplit.MismatchException("tar-split metadata of " + chainId + " is unreadable: " + e.getMessage());
        }
        if (size >= 0) {
            return Optional.of(size);
        }
        try (InputStream in = openTar(chainId).orElseThrow(() -> new NoSuchFileException(split.toString()))) {
            return Optional.of(in.transferTo(OutputStream.nullOutputStream())); // throws at the end on a mismatch
        }
    }

    /**
     * Replaces the {@code layer.tar} that berth kept before tar-split by tar-split metadata, for
     * one layer: the metadata is recorded from the tar (the tree is not unpacked again) and
     * checked by rebuilding the tar from it before the tar is deleted. Returns the bytes freed; 0
     * when there was nothing to migrate or the tar does not rebuild from its tree (it is kept).
     * Callers keep layer removal out meanwhile.
     */
    public long migrateLegacyTar(String chainId) throws IOException {
        Optional<Layer> layer = get(chainId);
        Path d = layerDir(chainId);
        Path legacy = d.resolve(LEGACY_TAR);
        if (layer.isEmpty() || !Files.exists(legacy) || Files.exists(d.resolve(SPLIT))) {
            return 0;
        }
        Digest diffId = Digest.parse(layer.get().diffId());
        Path tmp = d.resolve(SPLIT + ".tmp");
        try {
            Digest recorded;
            try (InputStream tar = new java.io.BufferedInputStream(Files.newInputStream(legacy), 1 << 16);
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    OutputStream file = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16)) {
                recorded = TarExtractor.record(tar, new TarSplit.Recorder(gz, layer.get().diffDir(), d.resolve(SPILL)));
                gz.finish();
                file.flush();
                ch.force(true);
            }
            if (!recorded.equals(diffId)) {
                return 0; // the kept tar is not the layer's: leave both alone
            }
            try (InputStream in = TarSplit.assemble(new GZIPInputStream(Files.newInputStream(tmp), 1 << 16),
                    layer.get().diffDir(), d.resolve(SPILL), diffId)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (TarSplit.MismatchException e) {
                return 0; // e.g. a name the tar holds twice: the tree lacks the first content
            }
            long freed = Files.size(legacy) - Files.size(tmp);
            Files.move(tmp, d.resolve(SPLIT), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(d);
            Files.deleteIfExists(legacy); // (a re-unpack of the layer may have replaced it meanwhile)
            return freed;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Chain ids of layers that still have a {@code layer.tar} and no tar-split metadata. */
    public List<String> legacyTars() throws IOException {
        List<String> out = new ArrayList<>();
        for (String chain : list()) {
            Path d = layerDir(chain);
            if (Files.exists(d.resolve(LEGACY_TAR)) && !Files.exists(d.resolve(SPLIT))) {
                out.add(chain);
            }
        }
        return out;
    }

    /** Chain ids of every layer present. */
    public Set<String> list() throws IOException {
        Set<String> out = new HashSet<>();
        try (var s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.matches("[a-f0-9]{64}")) {
                    out.add("sha256:" + n);
                }
            }
        }
        return out;
    }

    /** Deletes a layer; missing is fine. Callers make sure nothing uses it. */
    public void remove(String chainId) throws IOException {
        Path d = layerDir(chainId);
        Path doomed = dir.resolve(TMP + "rm-" + UUID.randomUUID());
        try {
            Files.move(d, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        AtomicFiles.syncDirectory(dir);
        AtomicFiles.deleteTree(doomed);
    }

    private Path layerDir(String chainId) {
        return dir.resolve(Digest.parse(chainId).hex());
    }
}
