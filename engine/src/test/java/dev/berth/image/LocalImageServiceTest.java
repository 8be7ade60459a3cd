package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.archive.TestTar;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.store.Database;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageServiceTest {
    @TempDir
    Path root;
    Database db;
    LocalImageService images;
    final Map<String, List<ImageUsage.User>> users = new HashMap<>();
    final byte[] rootfs = new TestTar().dir("bin/", 0755).file("bin/sh", "#!", 0755).bytes();

    @BeforeEach
    void open() {
        db = new Database(root.resolve("berth.db"));
        images = new LocalImageService(root, db);
        images.setUsage(id -> users.getOrDefault(id, List.of()));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String importBusybox(String tag, String... changes) {
        return images.importImage(new ByteArrayInputStream(rootfs), Optional.ofNullable(tag), List.of(changes), "");
    }

    @Test
    void importMakesAnImageWhoseIdIsTheConfigDigest() throws Exception {
        String id = importBusybox("busybox", "CMD [\"sh\"]", "ENV A=1 B=\"two words\"", "EXPOSE 80 53/udp",
                "LABEL maintainer=me", "WORKDIR /app", "WORKDIR sub", "USER nobody", "STOPSIGNAL SIGQUIT",
                "VOLUME /data", "ENTRYPOINT /bin/init");
        Image img = images.inspect("busybox");
        assertThat(img.id()).isEqualTo(id).startsWith("sha256:");
        assertThat(img.repoTags()).containsExactly("busybox:latest");
        var c = img.config().config();
        assertThat(c.cmd()).containsExactly("sh");
        assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c", "/bin/init");
        assertThat(c.env()).containsExactly("A=1", "B=two words");
        assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "53/udp");
        assertThat(c.labels()).containsEntry("maintainer", "me");
        assertThat(c.workingDir()).isEqualTo("/app/sub");
        assertThat(c.user()).isEqualTo("nobody");
        assertThat(c.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(c.volumes()).containsOnlyKeys("/data");
        assertThat(img.config().rootfs().diffIds()).containsExactly(Digest.sha256(rootfs).toString());
        assertThat(img.layerDirs()).hasSize(1);
        assertThat(img.layerDirs().getFirst().resolve("bin/sh")).exists();
        assertThat(img.size()).isEqualTo(2);
        assertThat(img.lastTagTime()).isPresent();
        byte[] stored = db.read(conn -> {
            try (var ps = conn.prepareStatement("SELECT config FROM images")) {
                var rs = ps.executeQuery();
                rs.next();
                return rs.getBytes(1);
            }
        });
        assertThat(Digest.sha256(stored).toString()).isEqualTo(id);
    }

    @Test
    void badChangesAreRefusedWithDockersMessages() {
        assertThatThrownBy(() -> importBusybox(null, "RUN echo hi")).isInstanceOf(EngineException.class)
                .hasMessage("RUN is not a valid change command")
                .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> importBusybox(null, "from x")).hasMessage("from is not a valid change command");
        assertThatThrownBy(() -> importBusybox(null, "USER a b")).hasMessage("USER requires exactly one argument");
        assertThatThrownBy(() -> importBusybox(null, "STOPSIGNAL SIGFOO")).hasMessage("Invalid signal: SIGFOO");
        assertThatThrownBy(() -> importBusybox(null, "EXPOSE abc")).hasMessage("invalid containerPort: abc");
        assertThatThrownBy(() -> importBusybox(null, "ONBUILD ONBUILD RUN x"))
                .hasMessage("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        assertThatThrownBy(() -> importBusybox("Bad:tag")).hasMessageContaining("must be lowercase");
        // Nothing was unpacked for the refused imports.
        assertThat(root.resolve("layers").toFile().list()).isEmpty();
    }

    @Test
    void healthcheckAndShellFormCmd() {
        importBusybox("hc", "HEALTHCHECK --interval=30s --retries=3 CMD wget -q localhost", "CMD echo hi");
        var c = images.inspect("hc").config().config();
        assertThat(c.healthcheck().test()).containsExactly("CMD-SHELL", "wget -q localhost");
        assertThat(c.healthcheck().interval()).isEqualTo(30_000_000_000L);
        assertThat(c.healthcheck().retries()).isEqualTo(3);
        assertThat(c.cmd()).containsExactly("/bin/sh", "-c", "echo hi");
    }

    @Test
    void inspectByIdPrefixAndNotFound() {
        String id = importBusybox("busybox");
        String hex = id.substring(7);
        assertThat(images.inspect(hex).id()).isEqualTo(id);
        assertThat(images.inspect(id).id()).isEqualTo(id);
        assertThat(images.inspect(hex.substring(0, 3)).id()).isEqualTo(id);
        assertThat(images.inspect("sha256:" + hex.substring(0, 5)).id()).isEqualTo(id);
        assertThat(images.inspect("busybox:latest").id()).isEqualTo(id);
        assertThat(images.inspect("docker.io/library/busybox").id()).isEqualTo(id);
        assertThatThrownBy(() -> images.inspect("nope")).hasMessage("No such image: nope")
                .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThatThrownBy(() -> images.inspect("busybox:1")).hasMessage("No such image: busybox:1");
    }

    @Test
    void tagListAndFilters() {
        String a = importBusybox("busybox", "LABEL app=a");
        String b = importBusybox(null, "LABEL app=b", "CMD [\"x\"]");
        images.tag("busybox", "localhost:5000/a/b:t");
        assertThat(images.inspect(a).repoTags()).containsExactly("busybox:latest", "localhost:5000/a/b:t");
        assertThatThrownBy(() -> images.tag("busybox", "x@sha256:" + "a".repeat(64)))
                .hasMessage("refusing to create a tag with a digest reference");
        assertThatThrownBy(() -> images.tag("missing", "x")).hasMessage("No such image: missing");

        assertThat(images.list(false, Map.of())).extracting(Image::id).containsExactlyInAnyOrder(a, b);
        assertThat(images.list(false, Map.of("dangling", List.of("true")))).extracting(Image::id).containsExactly(b);
        assertThat(images.list(false, Map.of("label", List.of("app=a")))).extracting(Image::id).containsExactly(a);
        assertThat(images.list(false, Map.of("reference", List.of("busy*"))))
                .singleElement().satisfies(i -> assertThat(i.repoTags()).containsExactly("busybox:latest"));
        assertThat(images.list(false, Map.of("reference", List.of("localhost:5000/*/*")))).hasSize(1);
        assertThat(images.list(false, Map.of("since", List.of("busybox")))).extracting(Image::id).containsExactly(b);
        assertThat(images.list(false, Map.of("before", List.of(b)))).extracting(Image::id).containsExactly(a);
        assertThatThrownBy(() -> images.list(false, Map.of("bogus", List.of("1")))).hasMessage("invalid filter 'bogus'");
    }

    @Test
    void removeUntagsThenDeletesAndFreesLayers() {
        String id = importBusybox("busybox");
        images.tag("busybox", "other");
        assertThat(images.remove("busybox", false, false)).containsExactly(DeleteResponseItem.untagged("busybox:latest"));
        List<DeleteResponseItem> out = images.remove("other", false, false);
        assertThat(out).containsExactly(DeleteResponseItem.untagged("other:latest"), DeleteResponseItem.deleted(id),
                DeleteResponseItem.deleted(Digest.sha256(rootfs).toString()));
        assertThat(root.resolve("layers").toFile().list()).isEmpty();
        assertThatThrownBy(() -> images.inspect(id)).hasMessageStartingWith("No such image");
    }

    @Test
    void sharedLayersStayWhileAnImageUsesThem() {
        String a = importBusybox("a", "CMD [\"a\"]");
        String b = importBusybox("b", "CMD [\"b\"]");
        assertThat(a).isNotEqualTo(b);
        assertThat(images.remove("a", false, false)).extracting(DeleteResponseItem::deleted).containsExactly(null, a);
        assertThat(images.inspect("b").layerDirs().getFirst()).exists();
    }

    @Test
    void removeByIdWithSeveralRepositoriesNeedsForce() {
        String id = importBusybox("busybox");
        images.tag("busybox", "other");
        assertThatThrownBy(() -> images.remove(id.substring(7, 19), false, false))
                .hasMessage("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories",
                        id.substring(7, 19));
        assertThat(images.remove(id.substring(7, 19), true, false)).extracting(DeleteResponseItem::untagged)
                .contains("busybox:latest", "other:latest");
    }

    @Test
    void imagesUsedByContainersAreProtected() {
        String id = importBusybox("busybox");
        String ctr = "0123456789ab" + "c".repeat(52);
        users.put(id, List.of(new ImageUsage.User(ctr, false)));
        assertThatThrownBy(() -> images.remove("busybox", false, false))
                .hasMessage("conflict: unable to remove repository reference \"busybox\" (must force) - container 0123456789ab is using its referenced image "
                        + id.substring(7, 19))
                .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThatThrownBy(() -> images.remove(id, false, false))
                .hasMessageContaining("(must be forced) - image is being used by stopped container 0123456789ab");

        users.put(id, List.of(new ImageUsage.User(ctr, true)));
        assertThatThrownBy(() -> images.remove(id, true, false))
                .hasMessageContaining("(cannot be forced) - image is being used by running container 0123456789ab");

        // Forced past a stopped container: the image goes, its layers stay until the container does.
        users.put(id, List.of(new ImageUsage.User(ctr, false)));
        assertThat(images.remove(id, true, false)).containsExactly(DeleteResponseItem.untagged("busybox:latest"),
                DeleteResponseItem.deleted(id));
        assertThat(root.resolve("layers").toFile().list()).hasSize(1);
        users.clear();
        images.collectGarbage();
        assertThat(root.resolve("layers").toFile().list()).isEmpty();
    }

    @Test
    void pruneRemovesDanglingOrAllUnused() throws Exception {
        String tagged = importBusybox("keep");
        String dangling = importBusybox(null, "CMD [\"d\"]");
        PruneReport r = images.prune(false, Map.of());
        assertThat(r.deleted()).containsExactly(DeleteResponseItem.deleted(dangling));
        assertThat(r.spaceReclaimed()).isZero(); // the layer is shared with "keep"
        users.put(tagged, List.of(new ImageUsage.User("c".repeat(64), false)));
        assertThat(images.prune(true, Map.of()).deleted()).isEmpty();
        users.clear();
        PruneReport all = images.prune(true, Map.of());
        assertThat(all.deleted()).contains(DeleteResponseItem.untagged("keep:latest"), DeleteResponseItem.deleted(tagged));
        assertThat(all.spaceReclaimed()).isEqualTo(2);
        assertThat(images.list(true, Map.of())).isEmpty();
    }

    /** A blob, stored as pull stores it, with the row that describes it when {@code diffId} is given. */
    private String blob(String content, String diffId) throws Exception {
        String d = images.content().write(new ByteArrayInputStream(content.getBytes()), Optional.empty()).toString();
        if (diffId != null) {
            images.distribution().addBlob(new DistributionStore.LayerBlob(diffId, d,
                    "application/vnd.docker.image.rootfs.diff.tar.gzip", content.length(), "example.com/x"));
        }
        return d;
    }

    @Test
    void removalCollectsBlobsNoImageNeedsAndTheStartSweepTheRest() throws Exception {
        String keep = importBusybox("keep", "CMD [\"keep\"]");
        String gone = images.importImage(new ByteArrayInputStream(new TestTar().file("other", "x", 0644).bytes()),
                Optional.of("gone"), List.of(), "");
        String keepDiff = images.inspect("keep").config().rootfs().diffIds().getFirst();
        String goneDiff = images.inspect("gone").config().rootfs().diffIds().getFirst();
        String sharedLayer = blob("shared layer", keepDiff);
        String goneLayer = blob("gone layer", goneDiff);
        String goneManifest = blob("gone manifest", null);
        db.transaction(c -> {
            images.distribution().addManifest(c, new DistributionStore.ImageManifest(gone, goneManifest,
                    "application/vnd.docker.distribution.manifest.v2+json"));
            return null;
        });
        // the config blob of each image is stored under its id, as pull stores it
        byte[] goneConfig = db.read(c -> images.imageStore().get(c, gone).orElseThrow().config());
        images.content().write(new ByteArrayInputStream(goneConfig), Optional.of(Digest.parse(gone)));
        String orphan = blob("written, then the daemon died before its row", null);
        assertThat(images.content().list()).hasSize(5);

        images.remove("gone", false, false);
        assertThat(images.content().list()).extracting(Digest::toString)
                .containsExactlyInAnyOrder(sharedLayer); // the orphan too: no row names it
        assertThat(images.distribution().blobsOf(goneDiff)).isEmpty();
        assertThat(images.distribution().manifestOf(gone)).isEmpty();
        assertThat(images.distribution().blobsOf(keepDiff)).hasSize(1);

        // a crash between a blob's write and its row: the next start removes the file, and partial
        // downloads older than a day, but keeps recent ones (a pull resumes from them)
        String crashed = blob("crashed", null);
        Path partial = Files.createDirectories(root.resolve("blobs/partial"));
        Path stale = Files.writeString(partial.resolve("a".repeat(64)), "old");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(25))));
        Path fresh = Files.writeString(partial.resolve("b".repeat(64)), "resumable");
        Path pushTmp = Files.writeString(root.resolve("blobs/.push-123.tar.gz"), "half a gzip");
        LocalImageService restarted = new LocalImageService(root, db);
        assertThat(restarted.content().list()).extracting(Digest::toString).containsExactly(sharedLayer)
                .doesNotContain(crashed, orphan);
        assertThat(stale).doesNotExist();
        assertThat(fresh).exists();
        assertThat(pushTmp).doesNotExist();

        restarted.remove("keep", false, false);
        assertThat(restarted.content().list()).isEmpty();
        assertThat(keep).isNotNull();
    }

    @Test
    void layerTarsOfAnEarlierBerthAreReplacedByTarSplitAtStart() throws Exception {
        importBusybox("busybox");
        Path layer = root.resolve("layers").resolve(images.inspect("busybox").chainIds().getFirst().substring(7));
        Files.delete(layer.resolve("tar-split.gz"));
        Files.write(layer.resolve("layer.tar"), rootfs); // as berth kept it before tar-split
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(said, true));
        try {
            LocalImageService restarted = new LocalImageService(root, db);
            for (int i = 0; i < 200 && Files.exists(layer.resolve("layer.tar")); i++) {
                Thread.sleep(25);
            }
            assertThat(layer.resolve("layer.tar")).doesNotExist();
            assertThat(layer.resolve("tar-split.gz")).isRegularFile();
            assertThat(restarted.layers().openTar(restarted.inspect("busybox").chainIds().getFirst()).orElseThrow()
                    .readAllBytes()).isEqualTo(rootfs);
            for (int i = 0; i < 200 && !said.toString().contains("freed"); i++) {
                Thread.sleep(25);
            }
        } finally {
            System.setErr(err);
        }
        assertThat(said.toString()).contains("berthd: replaced the layer.tar of 1 layer by tar-split metadata");
    }

    @Test
    void survivesReopening() {
        String id = importBusybox("busybox");
        db.close();
        db = new Database(root.resolve("berth.db"));
        images = new LocalImageService(root, db);
        assertThat(images.resolve("busybox").id()).isEqualTo(id);
        assertThat(Files.isDirectory(images.resolve("busybox").layerDirs().getFirst())).isTrue();
    }
}
