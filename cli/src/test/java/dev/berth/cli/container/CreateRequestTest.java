package dev.berth.cli.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.berth.common.json.JsonNode;

class CreateRequestTest {
    static final Map<String, List<String>> FILES = Map.of(
            "env.list", List.of("\uFEFF# comment", "", "  FOO=bar baz ", "PASS", "MISSING", "EMPTY="),
            "labels", List.of("com.a=1", "bare", "# x"));

    static CreateRequest.Request run(String... args) {
        RunCommand cmd = new RunCommand();
        cmd.parse("berth run", args);
        return CreateRequest.build(cmd.o, true, cmd.detach, Map.of("PASS", "through", "HOME", "/root")::get, FILES::get);
    }

    @Test
    void basicRun() {
        CreateRequest.Request r = run("--name", "web", "busybox", "ls", "-la");
        JsonNode b = r.body();
        assertThat(r.name()).isEqualTo("web");
        assertThat(b.path("Image").asString()).isEqualTo("busybox");
        assertThat(b.path("Cmd").toString()).isEqualTo("[\"ls\",\"-la\"]");
        assertThat(b.path("AttachStdin").asBoolean()).isFalse();
        assertThat(b.path("AttachStdout").asBoolean()).isTrue();
        assertThat(b.path("AttachStderr").asBoolean()).isTrue();
        assertThat(b.path("Tty").asBoolean()).isFalse();
        assertThat(b.has("Entrypoint")).isFalse();
        assertThat(b.path("HostConfig").path("AutoRemove").asBoolean()).isFalse();
    }

    @Test
    void flagsAfterTheImageBelongToTheCommand() {
        JsonNode b = run("-it", "--rm", "busybox", "sh", "-c", "echo -e hi").body();
        assertThat(b.path("Cmd").toString()).isEqualTo("[\"sh\",\"-c\",\"echo -e hi\"]");
        assertThat(b.path("Tty").asBoolean()).isTrue();
        assertThat(b.path("OpenStdin").asBoolean()).isTrue();
        assertThat(b.path("AttachStdin").asBoolean()).isTrue();
        assertThat(b.path("StdinOnce").asBoolean()).isTrue();
        assertThat(b.path("HostConfig").path("AutoRemove").asBoolean()).isTrue();
    }

    @Test
    void detachedRunAttachesNothing() {
        JsonNode b = run("-d", "-i", "busybox").body();
        assertThat(b.path("AttachStdin").asBoolean()).isFalse();
        assertThat(b.path("AttachStdout").asBoolean()).isFalse();
        assertThat(b.path("StdinOnce").asBoolean()).isFalse();
        assertThat(b.path("OpenStdin").asBoolean()).isTrue();
        assertThatThrownBy(() -> run("-d", "-a", "stdout", "busybox")).hasMessage("Conflicting options: -a and -d");
    }

    @Test
    void envFromFilesThenFlags() {
        JsonNode b = run("--env-file", "env.list", "-e", "A=1", "-e", "HOME", "-e", "NOPE", "busybox").body();
        assertThat(b.path("Env").toString()).isEqualTo("[\"FOO=bar baz \",\"PASS=through\",\"EMPTY=\",\"A=1\",\"HOME=/root\"]");
    }

    @Test
    void envFileErrors() {
        assertThatThrownBy(() -> KeyValueFiles.parse("f", List.of("BAD KEY=1"), null))
                .hasMessage("poorly formatted environment: variable 'BAD KEY' contains whitespaces");
        assertThatThrownBy(() -> KeyValueFiles.parse("f", List.of("=x"), null))
                .hasMessage("poorly formatted environment: no variable name on line '=x'");
    }

    @Test
    void labelsFromFilesThenFlags() {
        JsonNode b = run("--label-file", "labels", "-l", "com.b=2", "--label", "x", "busybox").body();
        assertThat(b.path("Labels").toString()).isEqualTo("{\"com.a\":\"1\",\"com.b\":\"2\",\"x\":\"\"}");
    }

    @Test
    void configFlags() {
        JsonNode b = run("-w", "/tmp", "-u", "1000:1000", "--entrypoint", "", "-h", "box", "--stop-signal", "SIGINT",
                "--stop-timeout", "5", "busybox").body();
        assertThat(b.path("WorkingDir").asString()).isEqualTo("/tmp");
        assertThat(b.path("User").asString()).isEqualTo("1000:1000");
        assertThat(b.path("Entrypoint").toString()).isEqualTo("[\"\"]");
        assertThat(b.path("Hostname").asString()).isEqualTo("box");
        assertThat(b.path("StopSignal").asString()).isEqualTo("SIGINT");
        assertThat(b.path("StopTimeout").asInt()).isEqualTo(5);
    }

    @Test
    void hostConfigFlags() {
        JsonNode h = run("--runtime", "runc", "--read-only", "--privileged", "--network", "none", "--init", "-m", "512m",
                "--memory-swap", "-1", "--cpus", "1.5", "--cpu-shares", "512", "--restart", "on-failure:3", "--ulimit", "nofile=1024:2048",
                "--cap-add", "NET_ADMIN", "--cap-drop", "ALL", "--dns", "1.1.1.1", "--add-host", "db=10.0.0.5", "--tmpfs", "/run:size=64m",
                "--shm-size", "128m", "--pids-limit", "100", "--sysctl", "net.ipv4.ip_forward=1", "--log-driver", "json-file",
                "--log-opt", "max-size=10k", "--pid", "host", "--security-opt", "no-new-privileges", "busybox").body().path("HostConfig");
        assertThat(h.path("Runtime").asString()).isEqualTo("runc");
        assertThat(h.path("ReadonlyRootfs").asBoolean()).isTrue();
        assertThat(h.path("Privileged").asBoolean()).isTrue();
        assertThat(h.path("NetworkMode").asString()).isEqualTo("none");
        assertThat(h.path("Init").asBoolean()).isTrue();
        assertThat(h.path("Memory").asLong()).isEqualTo(512L << 20);
        assertThat(h.path("MemorySwap").asLong()).isEqualTo(-1);
        assertThat(h.path("NanoCpus").asLong()).isEqualTo(1_500_000_000L);
        assertThat(h.path("CpuShares").asLong()).isEqualTo(512);
        assertThat(h.path("RestartPolicy").toString()).isEqualTo("{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
        assertThat(h.path("Ulimits").toString()).isEqualTo("[{\"Name\":\"nofile\",\"Hard\":2048,\"Soft\":1024}]");
        assertThat(h.path("CapAdd").toString()).isEqualTo("[\"NET_ADMIN\"]");
        assertThat(h.path("CapDrop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(h.path("Dns").toString()).isEqualTo("[\"1.1.1.1\"]");
        assertThat(h.path("ExtraHosts").toString()).isEqualTo("[\"db:10.0.0.5\"]");
        assertThat(h.path("Tmpfs").toString()).isEqualTo("{\"/run\":\"size=64m\"}");
        assertThat(h.path("ShmSize").asLong()).isEqualTo(128L << 20);
        assertThat(h.path("PidsLimit").asLong()).isEqualTo(100);
        assertThat(h.path("Sysctls").toString()).isEqualTo("{\"net.ipv4.ip_forward\":\"1\"}");
        assertThat(h.path("LogConfig").toString()).isEqualTo("{\"Type\":\"json-file\",\"Config\":{\"max-size\":\"10k\"}}");
        assertThat(h.path("PidMode").asString()).isEqualTo("host");
        assertThat(h.path("SecurityOpt").toString()).isEqualTo("[\"no-new-privileges\"]");
    }

    @Test
    void portsAndVolumes() {
        JsonNode b = run("-p", "8080:80", "-p", "127.0.0.1::53/udp", "-p", "9000-9001:7000-7001", "-p", "443", "--expose", "22",
                "-v", "/host:/data:ro", "-v", "/anon", "-v", "named:/n", "--mount", "type=tmpfs,target=/t,tmpfs-size=1m",
                "--mount", "type=bind,src=/a,dst=/b,readonly", "busybox").body();
        assertThat(b.path("ExposedPorts").toString())
                .isEqualTo("{\"80/tcp\":{},\"53/udp\":{},\"7000/tcp\":{},\"7001/tcp\":{},\"443/tcp\":{},\"22/tcp\":{}}");
        JsonNode pb = b.path("HostConfig").path("PortBindings");
        assertThat(pb.path("80/tcp").toString()).isEqualTo("[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]");
        assertThat(pb.path("53/udp").toString()).isEqualTo("[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}]");
        assertThat(pb.path("7001/tcp").toString()).isEqualTo("[{\"HostIp\":\"\",\"HostPort\":\"9001\"}]");
        assertThat(pb.path("443/tcp").toString()).isEqualTo("[{\"HostIp\":\"\",\"HostPort\":\"\"}]");
        assertThat(b.path("Volumes").toString()).isEqualTo("{\"/anon\":{}}");
        assertThat(b.path("HostConfig").path("Binds").toString()).isEqualTo("[\"/host:/data:ro\",\"named:/n\"]");
        assertThat(b.path("HostConfig").path("Mounts").toString()).isEqualTo(
                "[{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1048576}},"
                        + "{\"Type\":\"bind\",\"Source\":\"/a\",\"Target\":\"/b\",\"ReadOnly\":true}]");
    }

    @Test
    void ipv6PortSpec() {
        assertThat(PortSpecs.parse("[::1]:8080:80")).containsExactly(new PortSpecs.Mapping("80/tcp", "::1", "8080"));
        assertThatThrownBy(() -> PortSpecs.parse("x:80")).hasMessage("invalid hostPort: x");
    }

    @Test
    void healthcheck() {
        JsonNode h = run("--health-cmd", "true", "--health-interval", "1m30s", "--health-retries", "3", "busybox").body().path("Healthcheck");
        assertThat(h.toString()).isEqualTo("{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":90000000000,\"Retries\":3}");
        assertThat(run("--no-healthcheck", "busybox").body().path("Healthcheck").toString()).isEqualTo("{\"Test\":[\"NONE\"]}");
    }

    @Test
    void networkAliases() {
        JsonNode b = run("--network", "mynet", "--network-alias", "db", "--ip", "10.1.0.5", "busybox").body();
        assertThat(b.path("NetworkingConfig").toString())
                .isEqualTo("{\"EndpointsConfig\":{\"mynet\":{\"Aliases\":[\"db\"],\"IPAMConfig\":{\"IPv4Address\":\"10.1.0.5\"}}}}");
    }

    @Test
    void invalidValues() {
        assertThatThrownBy(() -> run("-m", "12x", "busybox")).hasMessage("invalid suffix: 'x'");
        assertThatThrownBy(() -> run("--restart", "sometimes", "busybox")).hasMessageContaining("unknown policy 'sometimes'");
        assertThatThrownBy(() -> run("--rm", "--restart", "always", "busybox")).hasMessageContaining("--restart and --rm");
    }

    @Test
    void detachKeysAndDurations() {
        assertThat(DetachKeys.parse("ctrl-p,ctrl-q")).containsExactly(16, 17);
        assertThat(DetachKeys.parse("a,ctrl-[")).containsExactly('a', 27);
        assertThat(GoDuration.parseNanos("1h2m3.5s")).isEqualTo(3_723_500_000_000L);
        assertThat(GoDuration.parseNanos("250ms")).isEqualTo(250_000_000L);
    }

    @Test
    void timestamps() {
        var now = java.time.Instant.ofEpochSecond(1_000_000);
        var utc = java.time.ZoneOffset.UTC;
        assertThat(Timestamps.parse("10m", now, utc)).isEqualTo("999400");
        assertThat(Timestamps.parse("1700000000", now, utc)).isEqualTo("1700000000");
        assertThat(Timestamps.parse("2024-01-02T03:04:05Z", now, utc)).isEqualTo("1704164645.000000000");
        assertThat(Timestamps.parse("2024-01-02", now, utc)).isEqualTo("1704153600.000000000");
        assertThatThrownBy(() -> Timestamps.parse("yesterday", now, utc)).hasMessageContaining("failed to parse");
    }
}
