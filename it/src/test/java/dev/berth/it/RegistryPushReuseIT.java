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
 * into a new digest, so the pushed manifest is B's own. (Not covered yet: the same layer as two
 * different blobs, say uncompressed in A and gzipped in B; berth then mounts A's blob and the
 * manifest differs from B's, where Docker could mount B's blob from B's repository.)
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
        Cmd.Result pullB = d.docker("pull", reg.host + "/y/b:v1");
        assertThat(pullB.code()).as(pullB.toString()).isZero();
        assertThat(pullB.stdout()).contains("Already exists");
        String digestB = pullB.stdout().lines().filter(l -> l.startsWith("Digest: ")).findFirst().orElseThrow().substring(8);

        assertThat(d.docker("tag", reg.host + "/y/b:v1", reg.host + "/z/b:v1").code()).isZero();
        Cmd.Result push = d.docker("push", reg.host + "/z/b:v1");
        assertThat(push.code()).as(push.toString()).isZero();
        assertThat(push.stdout()).doesNotContain("Pushed").containsPattern("Mounted from (x/a|y/b)");
        assertThat(push.stdout()).contains("v1: digest: " + digestB);
    }
}
