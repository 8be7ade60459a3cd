package dev.berth.cli.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.cli.format.Formatter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.berth.common.json.JsonNode;

class PsTest {
    static final Instant NOW = Instant.ofEpochSecond(1_700_000_300L);
    static final JsonNode C = JsonNode.parse("""
            {"Id":"0123456789abcdef0123","Names":["/web","/other/alias"],"Image":"busybox@sha256:abc",
             "Command":"sh -c 'while true; do sleep 1; done'","Created":1700000000,"State":"running","Status":"Up 5 minutes",
             "Ports":[{"IP":"0.0.0.0","PrivatePort":80,"PublicPort":8080,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":81,"PublicPort":81,"Type":"tcp"},
                      {"IP":"0.0.0.0","PrivatePort":82,"PublicPort":82,"Type":"tcp"},
                      {"PrivatePort":443,"Type":"tcp"}],
             "Labels":{"b":"2","a":"1"},"SizeRw":1234,"SizeRootFs":4261376,
             "NetworkSettings":{"Networks":{"bridge":{},"alpha":{}}},"Mounts":[{"Name":"averyveryverylongvolumename","Driver":"local"}]}
            """);

    static PsCommand parse(String... args) {
        PsCommand p = new PsCommand();
        p.parse("berth ps", args);
        return p;
    }

    @Test
    void rowFields() {
        PsRow r = new PsRow(C, true, NOW, () -> ZoneOffset.UTC);
        assertThat(r.field("ID", List.of())).isEqualTo("0123456789ab");
        assertThat(r.field("Names", List.of())).isEqualTo("web");
        assertThat(r.field("Image", List.of())).isEqualTo("busybox");
        assertThat(r.field("Command", List.of())).isEqualTo("\"sh -c 'while true; …\"");
        assertThat(r.field("RunningFor", List.of())).isEqualTo("5 minutes ago");
        assertThat(r.field("CreatedAt", List.of())).isEqualTo("2023-11-14 22:13:20 +0000 UTC");
        assertThat(r.field("Ports", List.of())).isEqualTo("0.0.0.0:81-82->81-82/tcp, 443/tcp, 0.0.0.0:8080->80/tcp");
        assertThat(r.field("Labels", List.of())).isEqualTo("a=1,b=2");
        assertThat(r.field("Label", List.of("b"))).isEqualTo("2");
        assertThat(r.field("Networks", List.of())).isEqualTo("alpha,bridge");
        assertThat(r.field("Mounts", List.of())).isEqualTo("averyveryveryl…");
        assertThat(r.field("Size", List.of())).isEqualTo("1.23kB (virtual 4.26MB)");
        PsRow full = new PsRow(C, false, NOW, () -> ZoneOffset.UTC);
        assertThat(full.field("Names", List.of())).isEqualTo("web,other/alias");
        assertThat(full.field("ID", List.of())).isEqualTo("0123456789abcdef0123");
    }

    @Test
    void defaultTable() {
        PsCommand p = parse();
        String out = Formatter.of(p.effectiveFormat(), PsRow.HEADERS).render(List.of(new PsRow(C, true, NOW, () -> ZoneOffset.UTC)));
        assertThat(out.lines().toList().getFirst()).startsWith("CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS");
        assertThat(out).endsWith("web\n");
    }

    @Test
    void queries() {
        assertThat(parse().query().toString()).isEqualTo("/containers/json");
        assertThat(parse("-a", "-s").query().toString()).isEqualTo("/containers/json?all=1&size=1");
        assertThat(parse("-l").query().toString()).isEqualTo("/containers/json?all=1&limit=1");
        assertThat(parse("-n", "3").query().toString()).isEqualTo("/containers/json?all=1&limit=3");
        assertThat(parse("-f", "status=exited", "-f", "label=a=b").query().toString())
                .isEqualTo("/containers/json?filters=%7B%22status%22%3A%7B%22exited%22%3Atrue%7D%2C%22label%22%3A%7B%22a%3Db%22%3Atrue%7D%7D");
        assertThat(parse("-q").effectiveFormat()).isEqualTo("{{.ID}}");
    }
}
