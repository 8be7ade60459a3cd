package dev.berth.store;

import dev.berth.archive.Extraction;
import dev.berth.archive.TarExtractor;
import dev.berth.common.AtomicFiles;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Unpacked layers under {@code <dataRoot>/layers/<chain-id hex>/diff}, each one an overlayfs
 * lowerdir, with the uncompressed layer tar they came from in {@code layer.tar} beside it (kept so
 * that {@code save} and {@code push} stream the original bytes: re-archiving a tree rarely gives
 * the same diff id). The tar lives and dies with its layer, so it needs no separate collection. A layer is unpacked into a temp directory beside the others and renamed into place
 * with its metadata, so a layer directory under its chain id is always complete; two unpacks of
 * the same chain id race harmlessly (the loser's copy is deleted). Removal renames first, so a
 * crash mid-delete never leaves a half layer under a valid name.
 */
public final class LayerStore {
    private static final String TMP = ".tmp-";
    private static final String TAR = "layer.tar";
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
     * with the resulting chain id exists already, and returns the layer. The uncompressed layer tar
     * is kept beside the unpacked tree (see {@link #tar}).
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
     * Unpacks {@code archive} into a temporary layer directory and keeps its uncompressed tar
     * ({@code layer.tar}, whose sha256 is the diff id). Invisible to {@link #get} and {@link #list}.
     */
    public Staged stage(InputStream archive) throws IOException {
        Path tmp = dir.resolve(TMP + UUID.randomUUID());
        boolean ok = false;
        try {
            Path diff = Files.createDirectories(tmp.resolve("diff"));
            Extraction x;
            try (FileChannel ch = FileChannel.open(tmp.resolve(TAR), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
                    OutputStream copy = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
                x = TarExtractor.extract(archive, diff, copy);
                copy.flush();
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
     * Puts a prepared layer in place as the child of {@code parentChainId} and returns it. If the
     * layer exists already, the existing one is kept (and given the prepared tar if it had none);
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
        } else if (!Files.exists(target.resolve(TAR)) && Files.exists(p.dir().resolve(TAR))) {
            try {
                Files.move(p.dir().resolve(TAR), target.resolve(TAR), StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.syncDirectory(target);
            } catch (IOException raced) {
                // removed or given a tar meanwhile: the tar is an optimisation only
            }
        }
    }

    /** Removes a staged layer that is not wanted; harmless after {@link #commit}. */
    public void discard(Staged p) throws IOException {
        AtomicFiles.deleteTree(p.dir());
    }

    /**
     * The layer's uncompressed tar as it was unpacked (sha256 = diff id), if it was kept: layers
     * unpacked before berth kept tars have none, and are re-archived from their tree instead.
     */
    public Optional<Path> tar(String chainId) {
        Path t = layerDir(chainId).resolve(TAR);
        return Files.isRegularFile(t) ? Optional.of(t) : Optional.empty();
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
