package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Push after "Already exists": image B shares a layer with image A, pulled first from another
 * repository, so B's pull skips that layer. Pushing B elsewhere on the same registry must reuse the
 * compressed blob berth saw (mount it from where it came, or find it there), never recompress it
 * into a new digest, so the pushed manifest is B's own, also when B's blob of that layer differs
 * from A's (berth never fetched it: it is mounted from B's repository). When the registry will not
 * mount it, the push falls back to the blobs berth has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryPushReuseIT {
    private Path tmp;
    private RegistryFixture reg;
    private DaemonFixture d;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-reuse-it-");
        reg = new RegistryFixture(tmp, null, "", null);
        TestImages.Layer shared = TestImages.gzip(TestImages.tar(Map.of("shared", "base layer")));
        TestImages.Layer own = TestImages.gzip(TestImages.tar(Map.of("own", "b only")));
        push("x/a", TestImages.image(tmp.resolve("a"), "amd64", List.of(shared)), tmp.resolve("a"));
        push("y/b", TestImages.image(tmp.resolve("b"), "amd64", List.of(shared, own)), tmp.resolve("b"));
        // the same layer (one diffID) as two blobs: uncompressed in C, gzipped in D
        byte[] base = TestImages.tar(Map.of("shared2", "another base"));
        push("x/c", TestImages.image(tmp.resolve("c"), "amd64", List.of(TestImages.plain(base))), tmp.resolve("c"));
        TestImages.Layer ownD = TestImages.gzip(TestImages.tar(Map.of("own", "d only")));
        push("y/d", TestImages.image(tmp.resolve("d"), "amd64", List.of(TestImages.gzip(base), ownD)), tmp.resolve("d"));
        d = new DaemonFixture("crun");
    }

    private void push(String repo, TestImages.Image img, Path layout) throws Exception {
        TestImages.index(layout, "v1", "application/vnd.oci.image.manifest.v1+json", img.manifest());
        // --preserve-digests: the registry keeps the manifest byte for byte
        RegistryFixture.run("skopeo", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + reg.host + "/" + repo + ":v1");
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, reg, tmp);
    }

    @Test
    void aLayerThatAlreadyExistedIsMountedNotRecompressed() throws Exception {
        assertThat(d.docker("pull", reg.host + "/x/a:v1").code()).isZero();
        String digestB = pulledDigest(reg.host + "/y/b:v1");

        Cmd.Result push = pushAs("y/b:v1", "z/b:v1");
        assertThat(push.stdout()).doesNotContain("Pushed").containsPattern("Mounted from (x/a|y/b)");
        assertThat(push.stdout()).contains("v1: digest: " + digestB);
    }

    @Test
    void anUnfetchedBlobOfTheSameLayerIsMountedFromItsRepository() throws Exception {
        assertThat(d.docker("pull", reg.host + "/x/c:v1").code()).isZero();
        String digestD = pulledDigest(reg.host + "/y/d:v1");
        Cmd.Result push = pushAs("y/d:v1", "z/d:v1");
        assertThat(push.stdout()).doesNotContain("Pushed").contains("Mounted from y/d").contains("v1: digest: " + digestD);

        // the registry forgets that y/d has that blob: the mount fails, berth pushes what it has
        Path links = reg.storage.resolve("docker/registry/v2/repositories/y/d/_layers/sha256");
        try (var s = Files.list(links)) {
            for (Path l : s.toList()) RegistryFixture.run("rm", "-rf", l.toString());
        }
        Cmd.Result fallback = pushAs("y/d:v1", "w/d:v1");
        assertThat(fallback.stdout()).contains("v1: digest: sha256:").doesNotContain("v1: digest: " + digestD);
    }

    /** Tags {@code from} as {@code to} (both repo:tag on the test registry) and pushes it, successfully. */
    private Cmd.Result pushAs(String from, String to) {
        assertThat(d.docker("tag", reg.host + "/" + from, reg.host + "/" + to).code()).isZero();
        Cmd.Result push = d.docker("push", reg.host + "/" + to);
        assertThat(push.code()).as(push.toString()).isZero();
        return push;
    }

    private String pulledDigest(String ref) {
        Cmd.Result pull = d.docker("pull", ref);
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(pull.stdout()).contains("Already exists");
        return pull.stdout().lines().filter(l -> l.startsWith("Digest: ")).findFirst().orElseThrow().substring(8);
    }
}
