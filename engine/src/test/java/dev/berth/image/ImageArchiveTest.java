package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.archive.TarWriter;
import dev.berth.archive.TestTar;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.oci.ImageConfig;
import dev.berth.store.Database;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** save, load and history against real stores; hostile and broken archives leave nothing behind. */
class ImageArchiveTest {
    @TempDir
    Path tmp;
    Path rootA;
    Path rootB;
    Path outside;
    Database dbA;
    Database dbB;
    LocalImageService a;
    LocalImageService b;
    final byte[] rootfs = new TestTar().dir("bin/", 0755).file("bin/sh", "#!", 0755).bytes();

    @BeforeEach
    void open() throws IOException {
        rootA = Files.createDirectory(tmp.resolve("a"));
        rootB = Files.createDirectory(tmp.resolve("b"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        dbA = new Database(rootA.resolve("berth.db"));
        dbB = new Database(rootB.resolve("berth.db"));
        a = new LocalImageService(rootA, dbA);
        b = new LocalImageService(rootB, dbB);
    }

    @AfterEach
    void close() {
        dbA.close();
        dbB.close();
    }

    private String importImage(LocalImageService s, String tag) {
        return s.importImage(new ByteArrayInputStream(rootfs), Optional.ofNullable(tag), List.of("CMD [\"sh\"]"), "imported");
    }

    private byte[] save(LocalImageService s, String... names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.save(List.of(names), () -> out);
        return out.toByteArray();
    }

    private static Map<String, byte[]> entries(byte[] tar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        var r = new dev.berth.archive.TarReader(new ByteArrayInputStream(tar));
        for (var e = r.next(); e != null; e = r.next()) {
            out.put(e.name(), r.content().readAllBytes());
        }
        return out;
    }

    /** Nothing of a failed load: no image, no layer, no staged directory, no blob. */
    private void assertNothingLoaded(Path root, LocalImageService s) throws IOException {
        assertThat(s.list(true, Map.of())).isEmpty();
        try (Stream<Path> l = Files.list(root.resolve("layers"))) {
            assertThat(l.toList()).isEmpty();
        }
        try (Stream<Path> l = Files.list(root.resolve("blobs/sha256"))) {
            assertThat(l.toList()).isEmpty();
        }
        try (Stream<Path> l = Files.list(outside)) {
            assertThat(l.toList()).isEmpty();
        }
    }

    private EngineException loadFails(byte[] archive) {
        try {
            b.load(new ByteArrayInputStream(archive));
        } catch (EngineException e) {
            return e;
        }
        throw new AssertionError("load succeeded");
    }

    @Test
    void saveIsADockerArchiveAndAnOciLayout() throws Exception {
        String id = importImage(a, "busybox");
        a.tag("busybox", "other:1");
        Map<String, byte[]> e = entries(save(a, "busybox", "other:1"));
        String diffId = Digest.sha256(rootfs).toString();
        String hex = Digest.parse(diffId).hex();
        assertThat(e).containsKeys("blobs/", "blobs/sha256/", "manifest.json", "index.json", "oci-layout", "repositories",
                "blobs/sha256/" + hex, "blobs/sha256/" + id.substring(7));
        assertThat(e.get("blobs/sha256/" + hex)).isEqualTo(rootfs); // the original layer tar, byte for byte
        var manifest = Json.MAPPER.readTree(e.get("manifest.json"));
        assertThat(manifest.size()).isEqualTo(1);
        assertThat(manifest.get(0).path("Config").asString()).isEqualTo("blobs/sha256/" + id.substring(7));
        assertThat(manifest.get(0).path("RepoTags").toString()).isEqualTo("[\"busybox:latest\",\"other:1\"]");
        assertThat(manifest.get(0).path("Layers").get(0).asString()).isEqualTo("blobs/sha256/" + hex);
        assertThat(new String(e.get("repositories"), StandardCharsets.UTF_8))
                .isEqualTo("{\"busybox\":{\"latest\":\"" + hex + "\"},\"other\":{\"1\":\"" + hex + "\"}}");
        var index = Json.MAPPER.readTree(e.get("index.json"));
        assertThat(index.path("manifests").size()).isEqualTo(2);
        String mDigest = index.path("manifests").get(0).path("digest").asString();
        assertThat(Digest.sha256(e.get("blobs/sha256/" + Digest.parse(mDigest).hex())).toString()).isEqualTo(mDigest);
        assertThat(index.path("manifests").get(0).path("annotations").path("io.containerd.image.name").asString())
                .isEqualTo("docker.io/library/busybox:latest");
    }

    @Test
    void saveThenLoadGivesTheSameIdsAndKeepsTarSplitMetadataNotTheTar() throws Exception {
        String id = importImage(a, "busybox");
        byte[] archive = save(a, "busybox");
        LoadResult r = b.load(new ByteArrayInputStream(archive));
        assertThat(r.messages()).containsExactly("Loaded image: busybox:latest");
        assertThat(b.inspect("busybox").id()).isEqualTo(id);
        assertThat(b.inspect("busybox").size()).isEqualTo(2);
        Path layerDir = rootB.resolve("layers").resolve(b.inspect("busybox").chainIds().getFirst().substring(7));
        assertThat(layerDir.resolve("tar-split.gz")).isRegularFile();
        assertThat(layerDir.resolve("layer.tar")).doesNotExist();
        assertThat(b.layers().openTar(b.inspect("busybox").chainIds().getFirst()).orElseThrow().readAllBytes())
                .isEqualTo(rootfs);
        assertThat(b.inspect("busybox").layerDirs().getFirst().resolve("bin/sh")).exists();
        // again: same image, nothing new
        assertThat(b.load(new ByteArrayInputStream(archive)).images()).extracting(LoadResult.LoadedImage::id)
                .containsExactly(id);
        // and back out of b byte-identical
        assertThat(save(b, "busybox")).isEqualTo(archive);
    }

    @Test
    void aLayerWhoseTreeChangedIsSavedReArchivedAndSaysSo() throws Exception {
        String id = importImage(a, "busybox");
        Image img = a.inspect("busybox");
        Files.writeString(img.layerDirs().getFirst().resolve("bin/sh"), "#?"); // same size, other bytes
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        byte[] archive;
        System.setErr(new java.io.PrintStream(said, true, StandardCharsets.UTF_8));
        try {
            archive = save(a, "busybox");
        } finally {
            System.setErr(err);
        }
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("layer " + img.chainIds().getFirst()
                + " does not rebuild its original tar", "saving it re-archived from its tree, under a new diff id");
        LoadResult r = b.load(new ByteArrayInputStream(archive));
        Image loaded = b.inspect("busybox");
        assertThat(r.images().getFirst().id()).isEqualTo(loaded.id()).isNotEqualTo(id);
        assertThat(loaded.config().rootfs().diffIds()).doesNotContain(img.config().rootfs().diffIds().getFirst());
        assertThat(Files.readString(loaded.layerDirs().getFirst().resolve("bin/sh"))).isEqualTo("#?");
    }

    @Test
    void saveByIdHasNoTagsAndLoadPrintsTheId() {
        String id = importImage(a, "busybox");
        LoadResult r = b.load(new ByteArrayInputStream(save(a, id.substring(7, 19))));
        assertThat(r.messages()).containsExactly("Loaded image ID: " + id);
        assertThat(b.inspect(id).repoTags()).isEmpty();
    }

    @Test
    void loadOverAnExistingTagSaysSo() {
        String id = importImage(a, "busybox");
        String older = b.importImage(new ByteArrayInputStream(new TestTar().file("x", "y", 0644).bytes()),
                Optional.of("busybox"), List.of(), "");
        LoadResult r = b.load(new ByteArrayInputStream(save(a, "busybox")));
        assertThat(r.messages()).containsExactly(
                "The image busybox:latest already exists, renaming the old one with ID " + older + " to empty string",
                "Loaded image: busybox:latest");
        assertThat(b.inspect("busybox").id()).isEqualTo(id);
    }

    @Test
    void saveOfAMissingImageWritesNothing() {
        importImage(a, "busybox");
        boolean[] opened = {false};
        assertThatThrownBy(() -> a.save(List.of("busybox", "nosuch"), () -> {
            opened[0] = true;
            return new ByteArrayOutputStream();
        })).isInstanceOf(EngineException.class).hasMessage("No such image: nosuch")
                .satisfies(x -> assertThat(((EngineException) x).kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(() -> a.save(List.of("busybox:2"), ByteArrayOutputStream::new))
                .hasMessage("No such image: busybox:2");
        assertThat(opened[0]).isFalse();
    }

    @Test
    void layersWithoutTarSplitMetadataAreReArchived() throws Exception {
        String id = importImage(a, "busybox");
        Image img = a.inspect("busybox");
        Files.delete(rootA.resolve("layers").resolve(img.chainIds().getFirst().substring(7)).resolve("tar-split.gz"));
        byte[] archive = save(a, "busybox");
        LoadResult r = b.load(new ByteArrayInputStream(archive));
        // a tree re-archived is another tar, so another diff id and image id; the content is the same
        Image loaded = b.inspect("busybox");
        assertThat(r.images().getFirst().id()).isEqualTo(loaded.id()).isNotEqualTo(id);
        assertThat(Files.readString(loaded.layerDirs().getFirst().resolve("bin/sh"))).isEqualTo("#!");
        assertThat(loaded.config().config().cmd()).containsExactly("sh");
    }

    @Test
    void loadsAnOciLayoutWithGzipLayersAndNestedIndex() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(rootfs);
        }
        byte[] layer = gz.toByteArray();
        String diffId = Digest.sha256(rootfs).toString();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]},"
                + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"ADD rootfs\"}]}").getBytes();
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + Digest.sha256(layer) + "\",\"size\":"
                + layer.length + "}]}").getBytes();
        byte[] nested = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + Digest.sha256(manifest)
                + "\",\"size\":" + manifest.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}").getBytes();
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                + "\"digest\":\"" + Digest.sha256(nested) + "\",\"size\":" + nested.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"example.com/app:v1\"}}]}").getBytes();
        LoadResult r = b.load(new ByteArrayInputStream(ociLayout(index, layer, config, manifest, nested)));
        assertThat(r.messages()).containsExactly("Loaded image: example.com/app:v1");
        Image img = b.inspect("example.com/app:v1");
        assertThat(img.id()).isEqualTo(Digest.sha256(config).toString());
        assertThat(b.layers().openTar(img.chainIds().getFirst()).orElseThrow().readAllBytes())
                .isEqualTo(rootfs); // the uncompressed tar, rebuilt
        List<HistoryItem> h = b.history("example.com/app:v1");
        assertThat(h).hasSize(1);
        assertThat(h.getFirst()).isEqualTo(new HistoryItem(img.id(), 1704067200L, "ADD rootfs",
                List.of("example.com/app:v1"), 2, ""));
    }

    @Test
    void loadsAnOciLayoutWithAnUncompressedLayerOverOneMebibyte() throws Exception {
        // over the in-memory limit, so the blob streams to a worker that hashes it as it unpacks;
        // its digest (also its diff id) was missing when the manifest was checked against it
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        byte[] rootfs = new TestTar().file("data/big.bin", big, 0644, 0, 0).bytes();
        String diffId = Digest.sha256(rootfs).toString();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}").getBytes();
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + diffId + "\",\"size\":"
                + rootfs.length + "}]}").getBytes();
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"" + Digest.sha256(manifest) + "\",\"size\":" + manifest.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"example.com/plain:v1\"}}]}").getBytes();
        LoadResult r = b.load(new ByteArrayInputStream(ociLayout(index, rootfs, config, manifest)));
        assertThat(r.messages()).containsExactly("Loaded image: example.com/plain:v1");
        Image img = b.inspect("example.com/plain:v1");
        assertThat(img.id()).isEqualTo(Digest.sha256(config).toString());
        assertThat(Files.readAllBytes(img.layerDirs().getFirst().resolve("data/big.bin"))).isEqualTo(big);
    }

    @Test
    void historyIsNewestFirstWithMissingIdsBelowTheImage() {
        byte[] l1 = new TestTar().file("a", "12345", 0644).bytes();
        byte[] l2 = new TestTar().file("b", "1", 0644).bytes();
        byte[] config = ("{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.sha256(l1) + "\",\""
                + Digest.sha256(l2) + "\"]},\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"ADD a\"},"
                + "{\"created\":\"2024-01-02T00:00:00Z\",\"created_by\":\"ENV X=1\",\"empty_layer\":true},"
                + "{\"created\":\"2024-01-03T00:00:00Z\",\"created_by\":\"ADD b\",\"comment\":\"c\"}]}").getBytes();
        byte[] archive = dockerArchive(config, List.of("l1.tar", "l2.tar"), Map.of("l1.tar", l1, "l2.tar", l2), "h:1");
        b.load(new ByteArrayInputStream(archive));
        List<HistoryItem> h = b.history("h:1");
        String id = Digest.sha256(config).toString();
        assertThat(h).containsExactly(new HistoryItem(id, 1704240000L, "ADD b", List.of("h:1"), 1, "c"),
                new HistoryItem("<missing>", 1704153600L, "ENV X=1", null, 0, ""),
                new HistoryItem("<missing>", 1704067200L, "ADD a", null, 5, ""));
    }

    /** An OCI image layout as a tar: {@code oci-layout}, each blob under its digest, {@code index.json}. */
    private static byte[] ociLayout(byte[] index, byte[]... blobs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.addFile("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(), 0);
        for (byte[] blob : blobs) {
            w.addFile("blobs/sha256/" + Digest.sha256(blob).hex(), blob, 0);
        }
        w.addFile("index.json", index, 0);
        w.finish();
        return out.toByteArray();
    }

    /** A docker-archive with the given manifest paths and files (the config goes to config.json). */
    private static byte[] dockerArchive(byte[] config, List<String> layerPaths, Map<String, byte[]> files, String tag) {
        return dockerArchive(config, "config.json", layerPaths, files, tag);
    }

    private static byte[] dockerArchive(byte[] config, String configPath, List<String> layerPaths,
            Map<String, byte[]> files, String tag) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TarWriter w = new TarWriter(out);
            for (var e : files.entrySet()) {
                w.addFile(e.getKey(), e.getValue(), 0);
            }
            w.addFile("config.json", config, 0);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("Config", configPath);
            item.put("RepoTags", tag == null ? null : List.of(tag));
            item.put("Layers", layerPaths);
            w.addFile("manifest.json", Json.bytes(List.of(item)), 0);
            w.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] configFor(byte[]... layers) {
        List<String> ids = new ArrayList<>();
        for (byte[] l : layers) {
            ids.add(Digest.sha256(l).toString());
        }
        return Json.bytes(new ImageConfig("amd64", null, "linux", null, null, null, null, null,
                new ImageConfig.RootFs("layers", ids), List.of()));
    }

    @Test
    void truncatedAndCorruptArchivesLeaveNothing() throws Exception {
        importImage(a, "busybox");
        // a big layer, so that it is unpacked while streaming (not held in memory) before the cut
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        a.importImage(new ByteArrayInputStream(new TestTar().file("big", big, 0644, 0, 0).bytes()), Optional.of("big"),
                List.of(), "");
        byte[] archive = save(a, "busybox", "big");
        for (int cut : List.of(100, 1024, 700_000, archive.length / 2, archive.length - 3000)) {
            EngineException e = loadFails(Arrays.copyOf(archive, cut));
            assertThat(e.kind()).as("cut at " + cut).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertNothingLoaded(rootB, b);
        }
        byte[] corrupt = archive.clone();
        for (int i = 0; i < 512; i++) {
            corrupt[i] ^= 0x5a;
        }
        assertThat(loadFails(corrupt).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThat(loadFails("hello".getBytes()).getMessage()).contains("invalid");
        assertThat(loadFails(new byte[1024]).getMessage())
                .isEqualTo("invalid archive: does not contain a manifest.json or an OCI index.json");
        assertNothingLoaded(rootB, b);
    }

    /**
     * Layers spooled from the archive unpack in parallel: every unpack's first progress report
     * waits until all three layers have reported, which only happens if they unpack at once
     * (one at a time, the first would wait for the others forever; the deadline only ends that).
     * Each layer then reports "Loading layer" up to its full size, under its short digest.
     */
    @Test
    void layersUnpackInParallelAndReportLoadingLayer() throws Exception {
        layersUnpackInParallel(false);
    }

    /**
     * As above for layer files named by their digest, which go to their worker as they are read
     * ({@link LayerPipe}): a worker that stalls (here, in its first progress report) makes the
     * rest of its file go to a spool file, so the others still start.
     */
    @Test
    void layersNamedByDigestUnpackInParallelToo() throws Exception {
        layersUnpackInParallel(true);
    }

    private void layersUnpackInParallel(boolean namedByDigest) throws Exception {
        List<byte[]> layers = new ArrayList<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) { // as many as ArchiveLoader.WORKERS
            byte[] content = new byte[(3 << 20) + i * LayerPipe.BUFFER * LayerPipe.BUFFERS]; // above the in-memory limit
            new java.util.Random(i).nextBytes(content);
            layers.add(new TestTar().file("f" + i, content, 0644, 0, 0).bytes());
            files.put(namedByDigest ? "blobs/sha256/" + Digest.sha256(layers.getLast()).hex() : "l" + i + ".tar",
                    layers.getLast());
        }
        java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(layers.size());
        Map<String, List<long[]>> reports = new java.util.concurrent.ConcurrentHashMap<>();
        List<Boolean> waits = java.util.Collections.synchronizedList(new ArrayList<>());
        Progress progress = new Progress() {
            @Override
            public void status(String id, String status) {
                throw new AssertionError("unexpected status " + status);
            }

            @Override
            public void progress(String id, String status, long current, long total) {
                assertThat(status).isEqualTo("Loading layer");
                boolean first = reports.putIfAbsent(id, java.util.Collections.synchronizedList(new ArrayList<>())) == null;
                reports.get(id).add(new long[] {current, total});
                if (first) {
                    allStarted.countDown();
                    try {
                        waits.add(allStarted.await(120, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void aux(Object value) {}
        };
        byte[] archive = dockerArchive(configFor(layers.toArray(byte[][]::new)), List.copyOf(files.keySet()), files, "par:1");
        assertThat(b.load(new ByteArrayInputStream(archive), progress).messages()).containsExactly("Loaded image: par:1");
        assertThat(waits).containsExactly(true, true, true);
        for (byte[] l : layers) {
            List<long[]> r = reports.get(Digest.sha256(l).hex().substring(0, 12));
            assertThat(r).as("reports of a layer").hasSizeGreaterThan(2); // throttled, but more than start and end
            assertThat(r.getLast()).containsExactly(l.length, l.length);
            assertThat(r).allSatisfy(x -> assertThat(x[1]).isEqualTo(l.length));
        }
        assertThat(b.layers().openTar(b.inspect("par:1").chainIds().getLast()).orElseThrow().readAllBytes())
                .isEqualTo(layers.getLast());
    }

    /** A GNU sparse layer tar goes in by import, out by save byte for byte, and in again by load, holes kept. */
    @Test
    void gnuSparseLayersImportSaveAndLoad() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("sparse-src"));
        Path tar = tmp.resolve("sparse.tar");
        Process p = new ProcessBuilder("bash", "-c", "set -e; cd " + src + "; truncate -s 8M f; "
                + "printf middle | dd of=f bs=1 seek=4000000 conv=notrunc status=none; "
                + "tar --sparse --format=gnu -cf " + tar + " f").inheritIO().start();
        assertThat(p.waitFor()).isZero();
        byte[] layer = Files.readAllBytes(tar);
        a.importImage(new ByteArrayInputStream(layer), Optional.of("sparse:1"), List.of(), "");
        byte[] archive = save(a, "sparse:1");
        assertThat(entries(archive).get("blobs/sha256/" + Digest.sha256(layer).hex())).isEqualTo(layer);
        assertThat(b.load(new ByteArrayInputStream(archive)).messages()).containsExactly("Loaded image: sparse:1");
        Path f = b.layers().get(b.inspect("sparse:1").chainIds().getFirst()).orElseThrow().diffDir().resolve("f");
        assertThat(Files.mismatch(f, src.resolve("f"))).isEqualTo(-1L);
        Process du = new ProcessBuilder("stat", "-c", "%b", f.toString()).start();
        assertThat(Long.parseLong(new String(du.getInputStream().readAllBytes()).trim())).isLessThanOrEqualTo(64);
    }

    @Test
    void aLayerThatIsNotItsDiffIdIsRefused() throws Exception {
        byte[] l1 = new TestTar().file("a", "1", 0644).bytes();
        byte[] other = new TestTar().file("a", "2", 0644).bytes();
        EngineException e = loadFails(dockerArchive(configFor(l1), List.of("l.tar"), Map.of("l.tar", other), "x:1"));
        assertThat(e.getMessage()).startsWith("invalid diffID for layer 0: expected \"" + Digest.sha256(l1));
        assertNothingLoaded(rootB, b);
        // the last of several layers is bad: the good ones committed before are taken back
        e = loadFails(dockerArchive(configFor(l1, l1), List.of("l.tar", "m.tar"), Map.of("l.tar", l1, "m.tar", other), "x:1"));
        assertThat(e.getMessage()).startsWith("invalid diffID for layer 1");
        assertNothingLoaded(rootB, b);
    }

    @Test
    void manifestPathsOutsideTheArchiveAreRefused() throws Exception {
        byte[] l1 = new TestTar().file("a", "1", 0644).bytes();
        Files.write(outside.resolve("../layer.tar"), l1); // a real file a lax loader would find
        String up = "../../../../../../../../../.." + tmp.resolve("layer.tar");
        for (String p : List.of("../layer.tar", up, tmp.resolve("layer.tar").toString(), "a/../../layer.tar")) {
            EngineException e = loadFails(dockerArchive(configFor(l1), List.of(p), Map.of(), "x:1"));
            assertThat(e.getMessage()).as(p).contains("outside the archive");
        }
        EngineException e = loadFails(dockerArchive(configFor(l1), "../config.json", List.of("l.tar"),
                Map.of("l.tar", l1), "x:1"));
        assertThat(e.getMessage()).contains("outside the archive");
        Files.delete(tmp.resolve("layer.tar"));
        assertNothingLoaded(rootB, b);
    }

    @Test
    void hostileEntriesNeverWriteOutsideTheDataRoot() throws Exception {
        byte[] l1 = new TestTar().file("a", "1", 0644).bytes();
        // an archive entry climbing out
        byte[] climb = new TestTar().file("../../../../../../../../../.." + outside + "/evil", "x", 0644).bytes();
        assertThat(loadFails(climb).getMessage()).contains("outside the archive");
        // a layer whose entries climb out, or write through an absolute symlink
        byte[] escaping = new TestTar().file("../../../../../../../../../.." + outside + "/evil", "x", 0644).bytes();
        byte[] viaLink = new TestTar().symlink("out", outside.toString()).file("out/evil", "x", 0644).bytes();
        for (byte[] layer : List.of(escaping, viaLink)) {
            EngineException e = loadFails(dockerArchive(configFor(layer), List.of("l.tar"), Map.of("l.tar", layer), "x:1"));
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertNothingLoaded(rootB, b);
        }
        // a symlink in the archive pointing out of it, named by the manifest
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.add(new dev.berth.archive.TarEntry("l.tar", dev.berth.archive.TarEntry.SYMLINK, 0777, 0, 0, 0, 0, 0,
                "../../../../../../../../.." + tmp.resolve("layer.tar"), 0, 0, Map.of()), null);
        w.addFile("config.json", configFor(l1), 0);
        w.addFile("manifest.json", ("[{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l.tar\"]}]").getBytes(), 0);
        w.finish();
        Files.write(tmp.resolve("layer.tar"), l1);
        assertThat(loadFails(out.toByteArray()).getMessage()).contains("points outside the archive");
        Files.delete(tmp.resolve("layer.tar"));
        assertNothingLoaded(rootB, b);
        // a symlink inside the archive is followed (old Docker saves link shared layers)
        out.reset();
        w = new TarWriter(out);
        w.addFile("one/layer.tar", l1, 0);
        w.add(new dev.berth.archive.TarEntry("two/layer.tar", dev.berth.archive.TarEntry.SYMLINK, 0777, 0, 0, 0, 0, 0,
                "../one/layer.tar", 0, 0, Map.of()), null);
        w.addFile("config.json", configFor(l1), 0);
        w.addFile("manifest.json", ("[{\"Config\":\"config.json\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"two/layer.tar\"]}]").getBytes(), 0);
        w.finish();
        assertThat(b.load(new ByteArrayInputStream(out.toByteArray())).messages()).containsExactly("Loaded image: x:1");
    }

    @Test
    void badManifestsGetClearErrors() {
        byte[] l1 = new TestTar().file("a", "1", 0644).bytes();
        assertThat(loadFails(dockerArchive(configFor(l1), List.of(), Map.of(), "x:1")).getMessage())
                .isEqualTo("invalid manifest, layers length mismatch: expected 0, got 1");
        assertThat(loadFails(dockerArchive(configFor(l1), List.of("nope.tar"), Map.of(), "x:1")).getMessage())
                .isEqualTo("invalid archive: nope.tar not found in the archive");
        assertThat(loadFails(dockerArchive(configFor(l1), List.of("l.tar"), Map.of("l.tar", l1), "x@sha256:"
                + "a".repeat(64))).getMessage()).startsWith("invalid tag");
    }
}
