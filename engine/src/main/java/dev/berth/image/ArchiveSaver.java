package dev.berth.image;

import dev.berth.archive.LayerTar;
import dev.berth.archive.TarEntry;
import dev.berth.archive.TarSplit;
import dev.berth.archive.TarWriter;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Manifest;
import dev.berth.oci.MediaTypes;
import dev.berth.store.ImageStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.ImageStore.RefRow;
import dev.berth.store.LayerStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code docker save}, in the format Docker 25+ writes: one tar that is a docker-archive
 * ({@code manifest.json} with Config/RepoTags/Layers, the legacy {@code repositories} file) and an
 * OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/...}) at once, so
 * both kinds of reader take it. Layers are their original uncompressed tars, rebuilt from tar-split
 * metadata and the unpacked tree ({@link LayerStore#openTar}); a layer that has none, or whose
 * tree no longer rebuilds its diff id, is re-archived from its tree (through a temporary file,
 * since a tar header needs the size first) and saved under the new diff id. Nothing is held in
 * memory but metadata.
 */
final class ArchiveSaver {
    private static final String BLOBS = "blobs/sha256/";
    private static final String NAME_ANNOTATION = "io.containerd.image.name";
    private static final String REF_ANNOTATION = "org.opencontainers.image.ref.name";

    /** One image to save and the tags it is saved under (none when named by id). */
    record Selected(ImageRow row, List<ImageReference> tags) {}

    private final ImageStore store;
    private final LayerStore layers;
    private final Path tmpDir;
    private final Finder finder;

    @FunctionalInterface
    interface Finder {
        ImageRow find(Connection c, String ref) throws SQLException;
    }

    ArchiveSaver(ImageStore store, LayerStore layers, Path dataRoot, Finder finder) {
        this.store = store;
        this.layers = layers;
        this.tmpDir = dataRoot.resolve("layers");
        this.finder = finder;
    }

    /**
     * Docker's name rules (tarexport.parseNames): {@code name:tag} saves that tag, a bare
     * repository name every tag of it, an id or digest the image without tags.
     *
     * @throws EngineException NOT_FOUND "No such image: x" for the first name that matches nothing
     */
    List<Selected> select(Connection c, List<String> names) throws SQLException {
        if (names.isEmpty()) {
            throw EngineException.invalid("no images specified");
        }
        Map<String, Selected> out = new LinkedHashMap<>();
        for (String name : names) {
            ImageReference ref = null;
            if (!ImageReference.isFullId(name) && !name.startsWith("sha256:")) {
                try {
                    ref = ImageReference.parse(name);
                } catch (EngineException notAName) {
                    ref = null; // an id prefix, or nothing: the finder decides
                }
            }
            if (ref == null || ref.digest().isPresent()) {
                add(out, finder.find(c, name), null);
            } else if (ref.tag().isEmpty()) {
                boolean any = false;
                for (RefRow r : store.allRefs(c)) {
                    ImageReference stored = ImageReference.parse(r.reference());
                    if (!r.digest() && stored.name().equals(ref.name())) {
                        add(out, store.get(c, r.imageId()).orElseThrow(), stored);
                        any = true;
                    }
                }
                if (!any) {
                    add(out, finder.find(c, name), null);
                }
            } else {
                Optional<String> id = store.resolveRef(c, ref.toString());
                if (id.isEmpty()) {
                    throw EngineException.notFound("No such image: %s", name);
                }
                add(out, store.get(c, id.get()).orElseThrow(), ref);
            }
        }
        for (Selected s : out.values()) {
            if (Json.read(s.row().config(), ImageConfig.class).rootfs().diffIds().isEmpty()) {
                throw EngineException.invalid("empty export - not implemented");
            }
        }
        return List.copyOf(out.values());
    }

    private static void add(Map<String, Selected> out, ImageRow row, ImageReference tag) {
        Selected s = out.computeIfAbsent(row.id(), k -> new Selected(row, new ArrayList<>()));
        if (tag != null && !s.tags().contains(tag)) {
            s.tags().add(tag);
        }
    }

    /** Streams the archive of {@code images} to {@code sink}; the caller holds off layer GC. */
    void write(List<Selected> images, OutputStream sink) throws IOException {
        // headers and small files are gathered here; layer contents pass through in TarWriter's pieces
        OutputStream buffered = new BufferedOutputStream(sink, 1 << 16);
        TarWriter tar = new TarWriter(buffered);
        tar.addDirectory("blobs", 0);
        tar.addDirectory("blobs/sha256", 0);
        Set<String> written = new HashSet<>();
        Map<String, Descriptor> layerBlobs = new LinkedHashMap<>(); // diff id -> the blob written for it
        List<Map<String, Object>> manifestJson = new ArrayList<>();
        List<Descriptor> index = new ArrayList<>();
        Map<String, Map<String, String>> repositories = new TreeMap<>();
        for (Selected s : images) {
            ImageConfig config = Json.read(s.row().config(), ImageConfig.class);
            long mtime = config.createdInstant().map(Instant::getEpochSecond).orElse(0L);
            List<String> diffIds = config.rootfs().diffIds();
            List<String> chains = LayerStore.chainIds(diffIds);
            List<Descriptor> layerDescs = new ArrayList<>();
            for (int i = 0; i < diffIds.size(); i++) {
                Descriptor d = layerBlobs.get(diffIds.get(i));
                if (d == null) {
                    d = writeLayer(tar, chains.get(i), diffIds.get(i), mtime);
                    layerBlobs.put(diffIds.get(i), d);
                    written.add(d.digest());
                }
                layerDescs.add(d);
            }
            byte[] configBytes = s.row().config();
            List<String> actual = layerDescs.stream().map(Descriptor::digest).toList();
            if (!actual.equals(diffIds)) {
                // Re-archived layers rarely hash to the original diff ids: describe what is saved.
                ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(configBytes);
                ArrayNode ids = ((ObjectNode) tree.get("rootfs")).putArray("diff_ids");
                actual.forEach(ids::add);
                configBytes = Json.bytes(tree);
            }
            Digest configDigest = Digest.sha256(configBytes);
            if (written.add(configDigest.toString())) {
                tar.addFile(BLOBS + configDigest.hex(), configBytes, mtime);
            }
            byte[] manifest = Json.bytes(new Manifest(2, MediaTypes.OCI_MANIFEST,
                    Descriptor.of(MediaTypes.OCI_CONFIG, configDigest.toString(), configBytes.length), layerDescs, null));
            Digest manifestDigest = Digest.sha256(manifest);
            if (written.add(manifestDigest.toString())) {
                tar.addFile(BLOBS + manifestDigest.hex(), manifest, 0);
            }
            List<String> repoTags = new ArrayList<>();
            for (ImageReference tag : s.tags()) {
                repoTags.add(tag.familiarString());
                repositories.computeIfAbsent(tag.familiarName(), k -> new TreeMap<>())
                        .put(tag.tag().orElseThrow(), Digest.parse(actual.getLast()).hex());
                Map<String, String> annotations = new LinkedHashMap<>();
                annotations.put(NAME_ANNOTATION, tag.toString());
                annotations.put(REF_ANNOTATION, tag.tag().orElseThrow());
                index.add(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest.toString(), manifest.length, null,
                        annotations, null));
            }
            if (s.tags().isEmpty()) {
                index.add(Descriptor.of(MediaTypes.OCI_MANIFEST, manifestDigest.toString(), manifest.length));
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("Config", BLOBS + configDigest.hex());
            item.put("RepoTags", repoTags.isEmpty() ? null : repoTags);
            item.put("Layers", actual.stream().map(d -> BLOBS + Digest.parse(d).hex()).toList());
            Map<String, Descriptor> sources = new LinkedHashMap<>();
            layerDescs.forEach(d -> sources.put(d.digest(), d));
            item.put("LayerSources", sources);
            manifestJson.add(item);
        }
        Map<String, Object> indexJson = new LinkedHashMap<>();
        indexJson.put("schemaVersion", 2);
        indexJson.put("mediaType", MediaTypes.OCI_INDEX);
        indexJson.put("manifests", index);
        tar.addFile("index.json", Json.bytes(indexJson), 0);
        tar.addFile("manifest.json", Json.bytes(manifestJson), 0);
        tar.addFile("oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
        if (!repositories.isEmpty()) {
            tar.addFile("repositories", Json.bytes(repositories), 0);
        }
        tar.finish();
        buffered.flush();
    }

    /**
     * Writes one layer blob: the original tar if it still rebuilds, else the tree re-archived. The
     * entry's name (the diff id) and size are written before its content, so whether the tree
     * still rebuilds the diff id is settled first ({@link LayerStore#originalTarSize}: from lstat
     * alone when no file changed since it was unpacked, else by rebuilding it once); the stream
     * checks the digest again at its end and fails the save loudly if the tree changed meanwhile.
     */
    private Descriptor writeLayer(TarWriter tar, String chainId, String diffId, long mtime) throws IOException {
        Optional<Long> size = originalSize(chainId, diffId);
        if (size.isPresent()) {
            try (InputStream in = layers.openTar(chainId)
                    .orElseThrow(() -> new IOException("layer " + chainId + " vanished during save"))) {
                tar.add(new TarEntry(BLOBS + Digest.parse(diffId).hex(), TarEntry.REGULAR, 0644, 0, 0, size.get(), mtime,
                        0, "", 0, 0, Map.of()), in);
                if (in.read() >= 0) { // reaching the end is what checks the digest
                    throw new TarSplit.MismatchException("rebuilt layer tar grew");
                }
            } catch (TarSplit.MismatchException e) {
                System.err.println("berthd: save: layer " + chainId + " changed while it was saved: " + e.getMessage());
                throw e;
            }
            return Descriptor.of(MediaTypes.OCI_LAYER, diffId, size.get());
        }
        LayerStore.Layer layer = layers.get(chainId)
                .orElseThrow(() -> EngineException.system(null, "layer %s of the image is missing", chainId));
        Path tmp = tmpDir.resolve(".tmp-save-" + UUID.randomUUID());
        try {
            MessageDigest sha = Digest.newSha256();
            try (OutputStream out = new DigestOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), sha)) {
                LayerTar.write(layer.diffDir(), out);
            }
            return writeBlob(tar, tmp, Digest.of(sha), mtime);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The length of the layer's original tar if it rebuilds with its diff id; empty (and said) if not. */
    private Optional<Long> originalSize(String chainId, String diffId) throws IOException {
        try {
            return layers.originalTarSize(chainId); // empty: unpacked before berth kept tar-split metadata
        } catch (TarSplit.MismatchException e) {
            warnFallback(chainId, diffId, e);
            return Optional.empty();
        }
    }

    private static void warnFallback(String chainId, String diffId, IOException e) {
        System.err.println("berthd: save: layer " + chainId + " does not rebuild its original tar (diff id " + diffId
                + "): " + e.getMessage() + "; saving it re-archived from its tree, under a new diff id");
    }

    private static Descriptor writeBlob(TarWriter tar, Path file, Digest digest, long mtime) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            tar.add(new TarEntry(BLOBS + digest.hex(), TarEntry.REGULAR, 0644, 0, 0, size, mtime, 0, "", 0, 0, Map.of()),
                    in);
        }
        return Descriptor.of(MediaTypes.OCI_LAYER, digest.toString(), size);
    }
}
