package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Local image management with clients nobody here wrote: the docker CLI for tag, rmi, prune,
 * inspect, history, save and load; skopeo reading what berth saves and writing what berth loads;
 * and a second berthd receiving the archive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageArchiveIT {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private DaemonFixture a;
    private DaemonFixture b;
    private Path work;

    @BeforeAll
    void start() throws Exception {
        a = new DaemonFixture("crun");
        b = new DaemonFixture("crun");
        work = Files.createDirectory(a.root.resolve("work"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
        } finally {
            if (b != null) {
                b.close();
            }
        }
    }

    private static Cmd.Result ok(Cmd.Result r) {
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    private String id(DaemonFixture d, String ref) {
        return ok(d.docker("image", "inspect", "-f", "{{.Id}}", ref)).stdout().trim();
    }

    private Cmd.Result berth(DaemonFixture d, String... args) {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.berth.cli.BerthCli",
                "-H", d.host));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd);
    }

    /** What is under the data root's layer and blob directories (to see that nothing was left). */
    private static List<String> storeListing(DaemonFixture d) throws IOException {
        List<String> out = new ArrayList<>();
        for (String dir : List.of("layers", "blobs/sha256")) {
            Path p = d.dataRoot.resolve(dir);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.forEach(x -> out.add(dir + "/" + x.getFileName()));
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void rmiUntagsDeletesAndRefusesImagesInUse() {
        String bb = id(a, "busybox");
        ok(a.docker("tag", "busybox", "rmi-used:1"));
        ok(a.docker("tag", "busybox", "rmi-used:2"));
        // several tags: removing one only untags
        assertThat(ok(a.docker("rmi", "rmi-used:2")).stdout()).isEqualTo("Untagged: rmi-used:2\n");
        // a container uses the image: its last tag of that repository needs force
        String cid = ok(a.docker("create", "--name", "rmi-user", "rmi-used:1", "true")).stdout().trim();
        ok(a.docker("import", "-", "rmi-solo:1")); // empty stdin: an image with an empty layer
        String solo = id(a, "rmi-solo:1");
        String user2 = ok(a.docker("create", "rmi-solo:1", "true")).stdout().trim();
        Cmd.Result refused = a.docker("rmi", "rmi-solo:1");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Error response from daemon: conflict: unable to remove repository reference "
                + "\"rmi-solo:1\" (must force) - container " + user2.substring(0, 12) + " is using its referenced image "
                + solo.substring(7, 19));
        Cmd.Result byId = a.docker("rmi", solo.substring(7, 19));
        assertThat(byId.code()).isEqualTo(1);
        assertThat(byId.stderr()).contains("conflict: unable to delete " + solo.substring(7, 19)
                + " (must be forced) - image is being used by stopped container " + user2.substring(0, 12));
        // forced: untagged and deleted, and the container still has its image's layers
        assertThat(ok(a.docker("rmi", "-f", "rmi-solo:1")).stdout())
                .isEqualTo("Untagged: rmi-solo:1\nDeleted: " + solo + "\n");
        assertThat(ok(a.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}")).stdout()).contains(user2);
        // busybox itself is still there through its other names
        assertThat(id(a, "rmi-used:1")).isEqualTo(bb);
        ok(a.docker("rm", cid, user2));
        assertThat(ok(a.docker("rmi", "rmi-used:1")).stdout()).isEqualTo("Untagged: rmi-used:1\n");
        assertThat(id(a, "busybox")).isEqualTo(bb);
    }

    /** API 1.48+: the docker CLI sends save's and history's --platform as a JSON OCI platform. */
    @Test
    void saveAndHistoryRefuseAnotherPlatformInDockersWords() throws IOException {
        String host = dev.berth.oci.Platform.host().toString(); // what busybox was imported as
        String other = host.equals("linux/arm64") ? "linux/amd64" : "linux/arm64";
        String wanted = "image with reference busybox was found but does not match the specified platform: "
                + "wanted " + other + ", actual: " + host;
        Path tar = work.resolve("platform.tar");
        Cmd.Result save = a.docker("save", "--platform", other, "-o", tar.toString(), "busybox");
        assertThat(save.code()).as(save.toString()).isEqualTo(1);
        assertThat(save.stderr()).contains(wanted);
        assertThat(tar).as("nothing written for a refused save").doesNotExist();
        Cmd.Result history = a.docker("history", "--platform", other, "busybox");
        assertThat(history.code()).as(history.toString()).isEqualTo(1);
        assertThat(history.stderr()).contains(wanted);
        Cmd.Result mine = berth(a, "save", "--platform", other, "-o", tar.toString(), "busybox");
        assertThat(mine.code()).as(mine.toString()).isEqualTo(1);
        assertThat(mine.stderr()).contains(wanted);

        ok(a.docker("save", "--platform", host, "-o", tar.toString(), "busybox"));
        assertThat(Files.size(tar)).isGreaterThan(1 << 20);
        assertThat(ok(a.docker("history", "--platform", host, "-q", "busybox")).stdout()).isNotBlank();
        Files.delete(tar);
    }

    @Test
    void pruneAllWithALabelFilter() {
        ok(a.docker("import", "--change", "LABEL prune=me", "-", "prune-a:1"));
        ok(a.docker("import", "--change", "LABEL prune=keep", "-", "prune-b:1"));
        Cmd.Result r = ok(a.docker("image", "prune", "-a", "-f", "--filter", "label=prune=me"));
        assertThat(r.stdout()).startsWith("Deleted Images:\nuntagged: prune-a:1\ndeleted: sha256:")
                .contains("Total reclaimed space:");
        assertThat(a.docker("image", "inspect", "prune-a:1").code()).isEqualTo(1);
        ok(a.docker("image", "inspect", "prune-b:1"));
        assertThat(ok(a.docker("rmi", "prune-b:1")).stdout()).startsWith("Untagged: prune-b:1\nDeleted: sha256:");
    }

    @Test
    void inspectAndHistory() {
        String bb = id(a, "busybox");
        String layers = ok(a.docker("image", "inspect", "-f", "{{.RootFS.Layers}}", "busybox")).stdout().trim();
        assertThat(layers).matches("\\[sha256:[a-f0-9]{64}\\]");
        assertThat(ok(a.docker("image", "inspect", "-f", "{{.RepoTags}} {{.Os}} {{.Config.Cmd}} {{.Size}}", "busybox"))
                .stdout()).matches("\\[busybox:latest\\] linux \\[sh\\] \\d+\\n");
        Cmd.Result h = ok(a.docker("history", "busybox"));
        List<String> lines = h.stdout().lines().toList();
        assertThat(lines.getFirst()).matches("IMAGE +CREATED +CREATED BY +SIZE +COMMENT");
        assertThat(lines.get(1)).startsWith(bb.substring(7, 19) + "   ").contains("ago").endsWith("Imported from -");
        assertThat(ok(a.docker("history", "-q", "busybox")).stdout()).isEqualTo(bb.substring(7, 19) + "\n");
        String size = ok(a.docker("image", "inspect", "-f", "{{.Size}}", "busybox")).stdout().trim();
        assertThat(ok(a.docker("history", "--no-trunc", "-H=false", "--format", "{{.ID}}|{{.Size}}", "busybox")).stdout())
                .isEqualTo(bb + "|" + size + "\n");
        // the berth CLI prints the same
        assertThat(ok(berth(a, "image", "history", "--no-trunc", "-H=false", "--format", "{{.ID}}|{{.Size}}", "busybox"))
                .stdout()).isEqualTo(bb + "|" + size + "\n");
        // same columns; their widths follow the CREATED texts, which may tick over ("59 seconds ago")
        assertThat(ok(berth(a, "history", "busybox")).stdout().lines().findFirst().orElseThrow())
                .matches("IMAGE {10}CREATED +CREATED BY +SIZE +COMMENT");
    }

    @Test
    void dockerSaveAndLoadRoundTripBetweenDaemons() throws Exception {
        ok(a.docker("tag", "busybox", "save-rt:1"));
        String bb = id(a, "busybox");
        Path tar = work.resolve("rt.tar");
        ok(a.docker("save", "-o", tar.toString(), "save-rt:1"));
        assertThat(ok(b.docker("load", "-i", tar.toString())).stdout()).isEqualTo("Loaded image: save-rt:1\n");
        assertThat(id(b, "save-rt:1")).isEqualTo(bb);
        assertThat(ok(b.docker("image", "inspect", "-f", "{{.RootFS.Layers}}", "save-rt:1")).stdout())
                .isEqualTo(ok(a.docker("image", "inspect", "-f", "{{.RootFS.Layers}}", "busybox")).stdout());
        // loaded images run
        assertThat(ok(b.docker("run", "--rm", "save-rt:1", "echo", "loaded")).stdout()).isEqualTo("loaded\n");
        // b keeps tar-split metadata, not the tar, and saves the very same bytes back
        for (String l : storeListing(b)) {
            if (l.startsWith("layers/")) {
                assertThat(b.dataRoot.resolve(l).resolve("tar-split.gz")).isRegularFile();
                assertThat(b.dataRoot.resolve(l).resolve("layer.tar")).doesNotExist();
            }
        }
        Path back = work.resolve("rt-back.tar");
        ok(b.docker("save", "-o", back.toString(), "save-rt:1"));
        assertThat(back).hasSameBinaryContentAs(tar);
        // after rmi, load through stdin brings back the same id; -q still names the image
        ok(a.docker("rmi", "save-rt:1"));
        assertThat(ok(Cmd.run(List.of("bash", "-c", "docker -H " + a.host + " load -q < " + tar))).stdout()).isEqualTo("Loaded image: save-rt:1\n");
        assertThat(id(a, "save-rt:1")).isEqualTo(bb);
        ok(a.docker("rmi", "save-rt:1"));
        ok(b.docker("rmi", "save-rt:1"));
    }

    @Test
    void skopeoReadsWhatBerthSavesAndBerthLoadsWhatSkopeoWrites() throws Exception {
        String bb = id(a, "busybox");
        Path tar = work.resolve("sk-in.tar");
        ok(berth(a, "save", "-o", tar.toString(), "busybox"));
        Cmd.Result inspect = ok(Cmd.run(List.of("skopeo", "inspect", "docker-archive:" + tar)));
        assertThat(inspect.stdout()).contains("\"Os\": \"linux\"");
        Path ociDir = work.resolve("oci");
        ok(Cmd.run(List.of("skopeo", "copy", "docker-archive:" + tar, "oci:" + ociDir + ":sk:oci")));
        assertThat(ociDir.resolve("index.json")).exists();
        // berth's archive is an OCI layout too
        ok(Cmd.run(List.of("skopeo", "inspect", "oci-archive:" + tar)));

        Path dockerArchive = work.resolve("sk-docker.tar");
        ok(Cmd.run(List.of("skopeo", "copy", "docker-archive:" + tar, "docker-archive:" + dockerArchive + ":sk/docker:v1")));
        assertThat(ok(b.docker("load", "-i", dockerArchive.toString())).stdout()).isEqualTo("Loaded image: sk/docker:v1\n");
        assertThat(id(b, "sk/docker:v1")).isEqualTo(bb); // skopeo kept the config bytes: same id

        Path ociArchive = work.resolve("sk-oci.tar");
        ok(Cmd.run(List.of("skopeo", "copy", "docker-archive:" + tar, "oci-archive:" + ociArchive + ":sk/oci:v2")));
        assertThat(ok(berth(b, "load", "-i", ociArchive.toString())).stdout()).isEqualTo("Loaded image: sk/oci:v2\n");
        assertThat(ok(b.docker("run", "--rm", "sk/oci:v2", "echo", "from-oci")).stdout()).isEqualTo("from-oci\n");
        ok(b.docker("rmi", "sk/docker:v1", "sk/oci:v2"));
    }

    @Test
    void saveOfSeveralImagesAndOfAMissingOne() throws Exception {
        ok(a.docker("import", "--change", "CMD [\"sh\"]", "-", "multi:1"));
        Path tar = work.resolve("multi.tar");
        ok(a.docker("save", "-o", tar.toString(), "busybox", "multi:1"));
        Cmd.Result listing = ok(Cmd.run(List.of("tar", "-xOf", tar.toString(), "manifest.json")));
        assertThat(listing.stdout()).contains("\"RepoTags\":[\"busybox:latest\"]").contains("\"RepoTags\":[\"multi:1\"]");
        Path missing = work.resolve("missing.tar");
        Cmd.Result r = a.docker("save", "-o", missing.toString(), "busybox", "nosuch");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stderr()).contains("No such image: nosuch");
        assertThat(missing).doesNotExist();
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".docker_temp_"));
        }
        ok(a.docker("rmi", "multi:1"));
    }

    /**
     * {@code POST /images/load?quiet=0} streams Docker's "Loading layer" progress (a layer of 3 MB:
     * throttled, several bars, the last at its full size) before the result; quiet, and by
     * default as in Docker, only the result. The docker CLI shows the bars on a terminal.
     */
    @Test
    void loadStreamsLoadingLayerProgressUnlessQuiet() throws Exception {
        Path dir = Files.createDirectory(work.resolve("progress"));
        ok(Cmd.run(List.of("bash", "-c", "cd " + dir + " && head -c 3000000 /dev/urandom > f && tar -cf layer.tar f")));
        ok(a.docker("import", dir.resolve("layer.tar").toString(), "load-progress:1"));
        String diffId = ok(a.docker("image", "inspect", "-f", "{{index .RootFS.Layers 0}}", "load-progress:1")).stdout().trim();
        long size = Files.size(dir.resolve("layer.tar"));
        Path tar = dir.resolve("image.tar");
        ok(a.docker("save", "-o", tar.toString(), "load-progress:1"));

        List<String> lines = load(b, tar, "quiet=0");
        String id = diffId.substring(7, 19);
        List<String> bars = lines.subList(0, lines.size() - 1);
        assertThat(bars).hasSizeGreaterThan(2).allSatisfy(l -> assertThat(l).matches(
                "\\{\"status\":\"Loading layer\",\"progressDetail\":\\{\"current\":\\d+,\"total\":" + size
                + "\\},\"progress\":\"\\[=*>? *\\] +[0-9.]+[kM]?B/3.0\\d*MB\",\"id\":\"" + id + "\"\\}"));
        assertThat(bars.getLast()).contains("\"current\":" + size + ",");
        assertThat(lines.getLast()).isEqualTo("{\"stream\":\"Loaded image: load-progress:1\\n\"}");
        assertThat(load(b, tar, "quiet=1")).containsExactly("{\"stream\":\"Loaded image: load-progress:1\\n\"}");
        assertThat(load(b, tar, "")).containsExactly("{\"stream\":\"Loaded image: load-progress:1\\n\"}");

        // the docker CLI asks for progress on a terminal only: give it one
        ok(b.docker("rmi", "load-progress:1"));
        Cmd.Result tty = ok(Cmd.run(List.of("script", "-qec", "docker -H " + b.host + " load -i " + tar, "/dev/null")));
        assertThat(tty.stdout()).contains(id + ": Loading layer").contains("Loaded image: load-progress:1");
        assertThat(id(b, "load-progress:1")).isEqualTo(id(a, "load-progress:1"));
        ok(a.docker("rmi", "load-progress:1"));
        ok(b.docker("rmi", "load-progress:1"));
    }

    /**
     * A layer tar GNU tar wrote with a sparse file (PAX 1.0) goes in by docker import, out by save
     * and into the other daemon by docker load: the same bytes all along, the file with its holes.
     */
    @Test
    void gnuSparseLayersImportSaveAndLoad() throws Exception {
        Path dir = Files.createDirectory(work.resolve("sparse"));
        ok(Cmd.run(List.of("bash", "-c", "set -e; cd " + dir + "; truncate -s 20M f; "
                + "printf middle | dd of=f bs=1 seek=10000000 conv=notrunc status=none; "
                + "tar --sparse --format=pax --sparse-version=1.0 -cf layer.tar f")));
        ok(a.docker("import", dir.resolve("layer.tar").toString(), "sparse-it:1"));
        String diffId = ok(a.docker("image", "inspect", "-f", "{{index .RootFS.Layers 0}}", "sparse-it:1")).stdout().trim();
        String sha = ok(Cmd.run(List.of("sha256sum", dir.resolve("layer.tar").toString()))).stdout().substring(0, 64);
        assertThat(diffId).isEqualTo("sha256:" + sha); // the tar as GNU tar wrote it
        Path saved = dir.resolve("saved.tar");
        ok(a.docker("save", "-o", saved.toString(), "sparse-it:1"));
        assertThat(ok(b.docker("load", "-i", saved.toString())).stdout()).isEqualTo("Loaded image: sparse-it:1\n");
        Path f = b.dataRoot.resolve("layers").resolve(sha).resolve("diff/f");
        assertThat(Files.size(f)).isEqualTo(20 << 20);
        assertThat(Files.mismatch(f, dir.resolve("f"))).isEqualTo(-1L);
        assertThat(Long.parseLong(ok(Cmd.run(List.of("stat", "-c", "%b", f.toString()))).stdout().trim())).isLessThan(100);
        Path back = dir.resolve("back.tar");
        ok(b.docker("save", "-o", back.toString(), "sparse-it:1"));
        assertThat(back).hasSameBinaryContentAs(saved);
        ok(a.docker("rmi", "sparse-it:1"));
        ok(b.docker("rmi", "sparse-it:1"));
    }

    /** The JSON lines of {@code POST /images/load} with {@code query}, sent with curl. */
    private static List<String> load(DaemonFixture d, Path tar, String query) {
        Cmd.Result r = ok(Cmd.run(List.of("curl", "-sf", "--unix-socket", d.socket.toString(), "-X", "POST", "-H",
                "Content-Type: application/x-tar", "--data-binary", "@" + tar, "http://x/v1.47/images/load?" + query)));
        return r.stdout().lines().toList();
    }

    @Test
    void brokenArchivesAreRefusedAndLeaveNothing() throws Exception {
        Path tar = work.resolve("broken-src.tar");
        ok(a.docker("save", "-o", tar.toString(), "busybox"));
        byte[] full = Files.readAllBytes(tar);
        List<String> before = storeListing(b);
        List<String> imagesBefore = List.of(ok(b.docker("images", "-aq", "--no-trunc")).stdout());
        Path truncated = Files.write(work.resolve("truncated.tar"), java.util.Arrays.copyOf(full, full.length / 2));
        Cmd.Result r = b.docker("load", "-i", truncated.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stderr()).contains("Error response from daemon: invalid archive: unexpected EOF");
        byte[] corrupt = full.clone();
        corrupt[3000] ^= 0x7f; // inside the first blob's header
        Path bad = Files.write(work.resolve("corrupt.tar"), corrupt);
        Cmd.Result r2 = b.docker("load", "-i", bad.toString());
        assertThat(r2.code()).isEqualTo(1);
        assertThat(r2.stderr()).contains("invalid");
        assertThat(storeListing(b)).isEqualTo(before);
        assertThat(List.of(ok(b.docker("images", "-aq", "--no-trunc")).stdout())).isEqualTo(imagesBefore);
    }
}
