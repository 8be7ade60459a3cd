package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The JSON progress of {@code POST /images/create} (pull from Debian's docker-registry on
 * 127.0.0.1, plain HTTP) per layer, in Docker's order: Pulling fs layer, Downloading, Verifying
 * Checksum, Download complete, Extracting, Pull complete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PullProgressIT {
    private Path tmp;
    private RegistryFixture reg;
    private DaemonFixture d;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-pull-progress-it-");
        reg = new RegistryFixture(tmp, null, "", null);
        d = new DaemonFixture("crun");
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, reg, tmp);
    }

    /** Pushes an image of {@code layers} as {@code repo:v1} with skopeo. */
    private void push(String repo, List<TestImages.Layer> layers) throws Exception {
        Path layout = Files.createTempDirectory(tmp, "layout-");
        TestImages.Image img = TestImages.image(layout, "amd64", layers);
        TestImages.index(layout, "v1", "application/vnd.oci.image.manifest.v1+json", img.manifest());
        RegistryFixture.run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + reg.host + "/" + repo + ":v1");
    }

    /** The messages of a pull through the API, as curl receives them. */
    private List<JsonNode> pull(String repo) throws Exception {
        Cmd.Result r = Cmd.run(List.of("curl", "-sf", "--unix-socket", d.socket.toString(), "-X", "POST",
                "http://x/v1.47/images/create?fromImage=" + reg.host + "/" + repo + "&tag=v1"));
        assertThat(r.code()).as(r.toString()).isZero();
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            out.add(dev.berth.common.Json.MAPPER.readTree(line));
        }
        assertThat(out).noneMatch(m -> m.has("error"));
        return out;
    }

    /** The statuses sent for layer {@code id}, a run of progress messages of one status counted once. */
    private static List<String> steps(List<JsonNode> messages, String id) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : messages) {
            String status = m.path("status").asString("");
            if (m.path("id").asString("").equals(id) && (out.isEmpty() || !out.getLast().equals(status))) {
                out.add(status);
            }
        }
        return out;
    }

    private static List<JsonNode> progress(List<JsonNode> messages, String id, String status) {
        return messages.stream().filter(m -> m.path("id").asString("").equals(id)
                && m.path("status").asString("").equals(status)).toList();
    }

    @Test
    void eachLayerGoesThroughDockersStepsExtractingIncluded() throws Exception {
        byte[] noise = new byte[3 << 20];
        new Random().nextBytes(noise); // incompressible: the gzip blob is ~4 MB, several progress steps
        TestImages.Layer big = TestImages.gzip(TestImages.tar(Map.of("noise", Base64.getEncoder().encodeToString(noise))));
        TestImages.Layer small = TestImages.gzip(TestImages.tar(Map.of("hello", "world")));
        String id = TestImages.sha256(big.blob()).substring(7, 19);
        long size = big.blob().length;
        push("one", List.of(big));
        push("two", List.of(small, big));

        // fetched from the registry: unpacked while it streams in, so Extracting follows at once at 100%
        List<JsonNode> first = pull("one");
        assertThat(steps(first, id)).containsExactly("Pulling fs layer", "Downloading", "Verifying Checksum",
                "Download complete", "Extracting", "Pull complete");
        assertThat(progress(first, id, "Downloading")).hasSizeGreaterThan(2)
                .allSatisfy(m -> assertThat(m.path("progressDetail").path("total").asLong()).isEqualTo(size));
        assertThat(progress(first, id, "Extracting")).singleElement().satisfies(m -> {
            assertThat(m.path("progressDetail").path("current").asLong()).isEqualTo(size);
            assertThat(m.path("progress").asString()).startsWith("[==================================================>]");
        });

        // the same blob on another parent: in the content store already, extracted from there with
        // throttled progress (more than start and end, fewer than one per 64 KiB read)
        List<JsonNode> second = pull("two");
        assertThat(steps(second, id)).containsExactly("Pulling fs layer", "Download complete", "Extracting", "Pull complete");
        List<JsonNode> extracting = progress(second, id, "Extracting");
        assertThat(extracting).hasSizeBetween(3, (int) (size >> 16));
        assertThat(extracting.getLast().path("progressDetail").path("current").asLong()).isEqualTo(size);
        assertThat(extracting).allSatisfy(m -> assertThat(m.path("progressDetail").path("total").asLong()).isEqualTo(size));
        assertThat(steps(second, TestImages.sha256(small.blob()).substring(7, 19))).containsExactly("Pulling fs layer",
                "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pull complete");
    }
}
