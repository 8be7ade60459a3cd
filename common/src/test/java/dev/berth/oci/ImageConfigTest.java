package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.common.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
    private static final String DOCKER = """
            {"architecture":"amd64","config":{"Hostname":"","User":"1000","ExposedPorts":{"80/tcp":{}},
             "Env":["PATH=/bin"],"Cmd":["sh"],"Entrypoint":null,"Volumes":{"/data":{}},"WorkingDir":"/w",
             "Labels":{"a":"b"},"StopSignal":"SIGQUIT","OnBuild":null,
             "Healthcheck":{"Test":["CMD","true"],"Interval":1000000000,"Retries":3}},
             "created":"2024-01-02T03:04:05.123456789+01:00","docker_version":"20.10","os":"linux",
             "history":[{"created":"2024-01-02T03:04:05Z","created_by":"/bin/sh -c #(nop) CMD [\\"sh\\"]","empty_layer":true}],
             "rootfs":{"type":"layers","diff_ids":["sha256:aa"]}}
            """;

    @Test
    void readsDockersFieldNames() {
        ImageConfig c = Json.read(DOCKER, ImageConfig.class);
        assertThat(c.architecture()).isEqualTo("amd64");
        assertThat(c.os()).isEqualTo("linux");
        assertThat(c.config().user()).isEqualTo("1000");
        assertThat(c.config().exposedPorts()).containsOnlyKeys("80/tcp");
        assertThat(c.config().cmd()).containsExactly("sh");
        assertThat(c.config().entrypoint()).isNull();
        assertThat(c.config().volumes()).containsOnlyKeys("/data");
        assertThat(c.config().labels()).isEqualTo(Map.of("a", "b"));
        assertThat(c.config().healthcheck().interval()).isEqualTo(1_000_000_000L);
        assertThat(c.rootfs().diffIds()).containsExactly("sha256:aa");
        assertThat(c.history().getFirst().emptyLayer()).isTrue();
        assertThat(c.createdInstant()).contains(Instant.parse("2024-01-02T02:04:05.123456789Z"));
    }

    @Test
    void writesDockersFieldNamesAndOmitsNulls() {
        var cfg = ContainerConfig.EMPTY.toBuilder();
        cfg.cmd = List.of("sh");
        cfg.exposedPorts = Map.of("80/tcp", Map.of());
        ImageConfig c = new ImageConfig("amd64", null, "linux", "2024-01-01T00:00:00Z", null, null, null,
                cfg.build(), new ImageConfig.RootFs("layers", List.of("sha256:bb")), List.of());
        String json = Json.string(c);
        assertThat(json).contains("\"Cmd\":[\"sh\"]", "\"ExposedPorts\":{\"80/tcp\":{}}",
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:bb\"]}")
                .doesNotContain("Entrypoint", "author", "null");
        assertThat(Json.read(json, ImageConfig.class)).isEqualTo(c);
    }
}
