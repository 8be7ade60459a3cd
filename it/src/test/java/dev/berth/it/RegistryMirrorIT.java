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
 * registry-mirrors: Docker Hub images are pulled through the mirrors in order, Docker Hub itself
 * last. berthd runs with a hosts file that names nothing (jdk.net.hosts.file), so the last resort,
 * registry-1.docker.io, cannot even be resolved: no query and no byte leave the machine, and a pull
 * that reaches it fails saying so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryMirrorIT {
    private Path tmp;
    private RegistryFixture mirror;
    private DaemonFixture d;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-mirror-it-");
        mirror = new RegistryFixture(tmp, null, "", null);
        mirror.pushImage(tmp.resolve("layout"), "library/busybox:mirrored", Map.of("from", "mirror"));
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "# nothing resolves\n");
        int down = RegistryFixture.freePort(); // nothing listens there
        d = new DaemonFixture("crun", "{\"registry-mirrors\": [\"http://127.0.0.1:" + down + "\", \"http://" + mirror.host + "/\"]}",
                List.of("-Djdk.net.hosts.file=" + hosts));
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, mirror, tmp);
    }

    @Test
    void hubImagesComeThroughTheFirstMirrorThatAnswersAndNeverFromTheHub() throws Exception {
        Cmd.Result pull = d.docker("pull", "busybox:mirrored");
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(pull.stdout()).contains("docker.io/library/busybox:mirrored");
        assertThat(d.docker("image", "inspect", "-f", "{{len .RootFS.Layers}} {{index .RepoTags 0}}", "busybox:mirrored").stdout().trim())
                .isEqualTo("1 busybox:mirrored");

        mirror.close(); // now every mirror is down: the pull falls through to Docker Hub, which cannot resolve
        Cmd.Result none = d.docker("pull", "busybox:gone");
        assertThat(none.code()).as(none.toString()).isEqualTo(1);
        assertThat(none.stderr().strip()).as(none.toString())
                .isEqualTo("Error response from daemon: Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host");
        assertThat(d.docker("image", "inspect", "busybox:gone").code()).isNotZero();
    }
}
