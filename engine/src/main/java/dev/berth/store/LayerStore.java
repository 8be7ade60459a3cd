package dev.berth.store;

import dev.berth.archive.Extraction;
import dev.berth.archive.TarExtractor;
import dev.berth.common.AtomicFiles;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Unpacked layers under {@code <dataRoot>/layers/<chain-id hex>/diff}, each one an overlayfs
 * lowerdir. A layer is unpacked into a temp directory beside the others and renamed into place
 * with its metadata, so a layer directory under its chain id is always complete; two unpacks of
 * the same chain id race harmlessly (the loser's copy is deleted). Removal renames first, so a
 * crash mid-delete never leaves a half layer under a valid name.
 */
public final class LayerStore {
    private static final String TMP = ".tmp-";
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
     * with the resulting chain id exists already, and returns the layer.
     *
     * @throws EngineException NOT_FOUND if the parent layer is absent
     */
    public Layer unpack(Optional<String> parentChainId, InputStream archive) throws IOException {
        if (parentChainId.isPresent() && get(parentChainId.get()).isEmpty()) {
            throw EngineException.notFound("parent layer %s not found", parentChainId.get());
        }
        Path tmp = dir.resolve(TMP + UUID.randomUUID());
        try {
            Path diff = Files.createDirectories(tmp.resolve("diff"));
            Extraction x = TarExtractor.extract(archive, diff);
            String diffId = x.diffId().toString();
            String chainId = chainId(parentChainId, diffId);
            AtomicFiles.write(tmp.resolve("layer.json"),
                    Json.bytes(new Meta(chainId, diffId, parentChainId.orElse(null), x.size())));
            Path target = layerDir(chainId);
            if (!Files.exists(target)) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.syncDirectory(dir);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException lostRace) {
                    // another unpack of the same content won; its copy is identical
                }
            }
            return get(chainId).orElseThrow(() -> new IOException("layer " + chainId + " vanished"));
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
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
