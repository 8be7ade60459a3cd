package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pull, push and login against Debian's docker-registry on 127.0.0.1 (TLS with a CA made here and
 * htpasswd basic auth; a token realm served by the test; plain HTTP behind a proxy that breaks
 * downloads), driven by the berth CLI, the docker CLI and skopeo. Nothing leaves the machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryIT {
    private static final String USER = "alice";
    private static final String PASS = "s3cret-pw";
    private Path tmp;
    private Path certs;
    private Path certsD;
    private RegistryFixture reg;
    private DaemonFixture d;
    private String host;
    private Path berthConfig;
    private String multiDigest;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("berth-reg-it-");
        certs = tmp.resolve("certs");
        RegistryFixture.makeCertificates(certs);
        Cmd.Result h = Cmd.run(List.of("htpasswd", "-Bbn", USER, PASS));
        assertThat(h.code()).as(h.toString()).isZero();
        Files.writeString(tmp.resolve("htpasswd"), h.stdout());
        reg = new RegistryFixture(tmp, certs, "  htpasswd:\n    realm: basic-realm\n    path: " + tmp.resolve("htpasswd") + "\n", null);
        host = reg.host;
        certsD = tmp.resolve("certs.d");
        Files.createDirectories(certsD.resolve(host));
        Files.copy(certs.resolve("ca.crt"), certsD.resolve(host).resolve("ca.crt"));
        // a short read timeout: BlobProxy's cut answers leave the connection open, as a dying registry can
        d = new DaemonFixture("crun", "{\"certs-dir\": \"" + certsD + "\", \"max-download-attempts\": 2, "
                + "\"max-concurrent-downloads\": 3, \"upload-chunk-size\": 262144, \"registry-read-timeout\": 3}");
        berthConfig = Files.createDirectories(tmp.resolve("berth-config"));

        // A 4-layer image (busybox gzip, zstd, plain tar, gzip) pushed by skopeo.
        Path layout = tmp.resolve("layout-multi");
        Path bbTar = tmp.resolve("busybox.tar");
        Cmd.Result bb = Cmd.run(List.of("bash", Path.of(System.getProperty("berth.root", "..")).resolve("scripts/busybox-image.sh")
                .toAbsolutePath().toString(), bbTar.toString()));
        assertThat(bb.code()).as(bb.toString()).isZero();
        List<TestImages.Layer> layers = List.of(TestImages.gzip(Files.readAllBytes(bbTar)),
                TestImages.zstd(TestImages.tar(Map.of("l2", "two"))), TestImages.plain(TestImages.tar(Map.of("l3", "three"))),
                TestImages.gzip(TestImages.tar(Map.of("l4", "four"))));
        TestImages.Image multi = TestImages.image(layout, "amd64", layers);
        TestImages.index(layout, "v1", "application/vnd.oci.image.manifest.v1+json", multi.manifest());
        skopeoPush("oci:" + layout + ":v1", host + "/multi:v1", false);
        // skopeo may rewrite the manifest on the way (it compresses the plain layer): ask the registry.
        Cmd.Result sk = Cmd.run(List.of("skopeo", "inspect", "--creds", USER + ":" + PASS, "--cert-dir",
                certsD.resolve(host).toString(), "--format", "{{.Digest}}", "docker://" + host + "/multi:v1"));
        assertThat(sk.code()).as(sk.toString()).isZero();
        multiDigest = sk.stdout().trim();

        // A two-platform index: amd64 (busybox + a file) and arm64 (a file only).
        Path layout2 = tmp.resolve("layout-index");
        TestImages.Image amd = TestImages.image(layout2, "amd64", List.of(layers.get(0), TestImages.gzip(TestImages.tar(Map.of("arch", "amd64")))));
        TestImages.Image arm = TestImages.image(layout2, "arm64", List.of(TestImages.gzip(TestImages.tar(Map.of("arch", "arm64")))));
        Map<String, TestImages.Image> byArch = new LinkedHashMap<>();
        byArch.put("arm64", arm);
        byArch.put("amd64", amd);
        byte[] index = TestImages.multiArch(layout2, byArch);
        TestImages.index(layout2, "v1", "application/vnd.oci.image.index.v1+json", index);
        skopeoPush("oci:" + layout2 + ":v1", host + "/multiarch:v1", true);
    }

    @AfterAll
    void stop() throws Exception {
        RegistryFixture.tearDown(d, reg, tmp);
    }

    private void skopeoPush(String src, String dest, boolean all) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-creds", USER + ":" + PASS,
                "--dest-cert-dir", certsD.resolve(host).toString()));
        if (all) cmd.add("--all");
        cmd.addAll(List.of(src, "docker://" + dest));
        Cmd.Result r = Cmd.run(cmd);
        assertThat(r.code()).as(r.toString()).isZero();
    }

    // ---- running clients with their own environment ----

    private Cmd.Result berth(Map<String, String> env, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "dev.berth.cli.BerthCli", "-H", d.host));
        cmd.addAll(List.of(args));
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("BERTH_CONFIG", berthConfig.toString());
        return exec(cmd, e, stdin);
    }

    private Cmd.Result berth(String... args) {
        return berth(Map.of(), null, args);
    }

    private Cmd.Result docker(Path config, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker", "-H", d.host));
        cmd.addAll(List.of(args));
        return exec(cmd, Map.of("DOCKER_CONFIG", config.toString()), stdin);
    }

    static Cmd.Result exec(List<String> cmd, Map<String, String> env, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            if (stdin == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            var out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Cmd.Result(-1, out.getNow(""), "timed out: " + cmd);
            }
            return new Cmd.Result(p.exitValue(), out.get(), err.get());
        } catch (Exception e) {
            return new Cmd.Result(-1, "", e.toString());
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String inspect(String format, String ref) {
        Cmd.Result r = berth("image", "inspect", "--format", format, ref);
        assertThat(r.code()).as(r.toString()).isZero();
        return r.stdout().trim();
    }

    private static String auth(String user, String pass, String server) {
        String json = "{\"username\":\"" + user + "\",\"password\":\"" + pass + "\",\"serveraddress\":\"" + server + "\"}";
        return java.util.Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    // ---- the tests ----

    @Test
    @Order(1)
    void berthLoginPullAndRunOverTlsWithBasicAuth() throws Exception {
        Cmd.Result denied = berth("pull", host + "/multi:v1");
        assertThat(denied.code()).as(denied.toString()).isEqualTo(1);
        assertThat(denied.stderr()).contains("pull access denied for " + host + "/multi");

        Cmd.Result bad = berth(Map.of(), "wrong\n", "login", "-u", USER, "--password-stdin", host);
        assertThat(bad.code()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.stderr()).contains("unauthorized: incorrect username or password");

        Cmd.Result login = berth(Map.of(), PASS + "\n", "login", "-u", USER, "--password-stdin", host);
        assertThat(login.code()).as(login.toString()).isZero();
        assertThat(login.stdout()).contains("Login Succeeded");
        String cfg = Files.readString(berthConfig.resolve("config.json"));
        assertThat(cfg).contains("\"" + host + "\"").contains(java.util.Base64.getEncoder()
                .encodeToString((USER + ":" + PASS).getBytes(StandardCharsets.UTF_8)));

        Cmd.Result pull = berth("pull", host + "/multi:v1");
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(pull.stdout()).contains("v1: Pulling from multi").contains("Pull complete")
                .contains("Digest: " + multiDigest).contains("Status: Downloaded newer image for " + host + "/multi:v1")
                .endsWith(host + "/multi:v1\n");
        Cmd.Result run = berth("run", "--rm", host + "/multi:v1", "cat", "/l2", "/l3", "/l4");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.stdout()).isEqualTo("twothreefour");
        assertThat(inspect("{{json .RepoDigests}}", host + "/multi:v1")).contains(host + "/multi@" + multiDigest);
        assertThat(inspect("{{len .RootFS.Layers}}", host + "/multi:v1")).isEqualTo("4");

        Cmd.Result again = berth("pull", host + "/multi:v1");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("Status: Image is up to date for " + host + "/multi:v1").doesNotContain("Pull complete");

        Cmd.Result byDigest = berth("pull", "-q", host + "/multi@" + multiDigest);
        assertThat(byDigest.code()).as(byDigest.toString()).isZero();
        assertThat(byDigest.stdout()).isEqualTo(host + "/multi@" + multiDigest + "\n");

        Cmd.Result unknown = berth("pull", host + "/multi:nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("manifest for " + host + "/multi:nope not found: manifest unknown");

        Cmd.Result all = berth("pull", "-a", host + "/multi");
        assertThat(all.code()).as(all.toString()).isZero();
    }

    @Test
    @Order(2)
    void dockerCliLoginPullAndPush() throws Exception {
        Path cfg = Files.createDirectories(tmp.resolve("docker-config"));
        Cmd.Result bad = docker(cfg, null, "login", "-u", USER, "-p", "nope", host);
        assertThat(bad.code()).isNotZero();
        assertThat(bad.stderr()).contains("unauthorized: incorrect username or password");
        Cmd.Result login = docker(cfg, PASS, "login", "-u", USER, "--password-stdin", host);
        assertThat(login.code()).as(login.toString()).isZero();
        assertThat(login.stdout()).contains("Login Succeeded");

        Cmd.Result pull = docker(cfg, null, "pull", host + "/multiarch:v1");
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(pull.stdout()).contains("Digest: sha256:").contains(host + "/multiarch:v1");
        Cmd.Result unknown = docker(cfg, null, "pull", host + "/multi:nope");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.stderr()).contains("manifest unknown");

        assertThat(docker(cfg, null, "tag", "busybox", host + "/viadocker:1").code()).isZero();
        Cmd.Result push = docker(cfg, null, "push", host + "/viadocker:1");
        assertThat(push.code()).as(push.toString()).isZero();
        assertThat(push.stdout()).contains("The push refers to repository [" + host + "/viadocker]")
                .containsPattern("1: digest: sha256:[a-f0-9]{64} size: \\d+");
        Cmd.Result again = docker(cfg, null, "push", host + "/viadocker:1");
        assertThat(again.stdout()).contains("Layer already exists");
    }

    @Test
    @Order(3)
    void platformSelectionAndDistributionInspect() throws Exception {
        berth(Map.of(), PASS, "login", "-u", USER, "--password-stdin", host);
        Cmd.Result pull = berth("pull", host + "/multiarch:v1");
        assertThat(pull.code()).as(pull.toString()).isZero();
        assertThat(inspect("{{.Architecture}}", host + "/multiarch:v1")).isEqualTo("amd64");
        Cmd.Result arm = berth("pull", "--platform", "linux/arm64", host + "/multiarch:v1");
        assertThat(arm.code()).as(arm.toString()).isZero();
        assertThat(inspect("{{.Architecture}}", host + "/multiarch:v1")).isEqualTo("arm64");
        Cmd.Result none = berth("pull", "--platform", "linux/s390x", host + "/multiarch:v1");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.stderr()).contains("no matching manifest for linux/s390x");

        Cmd.Result dist = Cmd.run(List.of("curl", "-s", "--unix-socket", d.socket.toString(), "-H",
                "X-Registry-Auth: " + auth(USER, PASS, host), "http://x/v1.47/distribution/" + host + "/multiarch:v1/json"));
        assertThat(dist.stdout()).contains("\"mediaType\":\"application/vnd.oci.image.index.v1+json\"")
                .contains("\"architecture\":\"arm64\"").contains("\"architecture\":\"amd64\"");
    }

    @Test
    @Order(4)
    void pushChunkedMountAndSkopeoRoundTrip() throws Exception {
        berth(Map.of(), PASS, "login", "-u", USER, "--password-stdin", host);
        assertThat(berth("tag", "busybox", host + "/bb:1").code()).isZero();
        Cmd.Result push = berth("push", host + "/bb:1");
        assertThat(push.code()).as(push.toString()).isZero();
        // busybox's layer is the base layer of multi, pulled earlier: mounted, not uploaded again
        assertThat(push.stdout()).contains("The push refers to repository [" + host + "/bb]").contains("Mounted from multi");
        String digest = push.stdout().replaceAll("(?s).*1: digest: (sha256:[a-f0-9]{64}) size: \\d+.*", "$1");
        assertThat(digest).startsWith("sha256:");
        Cmd.Result sk = Cmd.run(List.of("skopeo", "inspect", "--creds", USER + ":" + PASS, "--cert-dir",
                certsD.resolve(host).toString(), "--format", "{{.Digest}}", "docker://" + host + "/bb:1"));
        assertThat(sk.code()).as(sk.toString()).isZero();
        assertThat(sk.stdout().trim()).isEqualTo(digest);
        Cmd.Result copy = Cmd.run(List.of("skopeo", "copy", "--quiet", "--src-creds", USER + ":" + PASS, "--src-cert-dir",
                certsD.resolve(host).toString(), "docker://" + host + "/bb:1", "oci:" + tmp.resolve("out") + ":1"));
        assertThat(copy.code()).as(copy.toString()).isZero();

        // The pushed image runs after a round trip through the registry.
        assertThat(berth("rmi", host + "/bb:1").code()).isZero();
        Cmd.Result back = berth("pull", host + "/bb:1");
        assertThat(back.code()).as(back.toString()).isZero();
        Cmd.Result run = berth("run", "--rm", host + "/bb:1", "echo", "round trip");
        assertThat(run.stdout()).isEqualTo("round trip\n");

        Cmd.Result again = berth("push", host + "/bb:1");
        assertThat(again.stdout()).contains("Layer already exists").contains("1: digest: " + digest);

        // An image skopeo pushed, pulled by berth and pushed to another repository: blobs are
        // mounted, and the manifest (so the digest) is unchanged.
        assertThat(berth("pull", host + "/multi:v1").code()).isZero();
        assertThat(berth("tag", host + "/multi:v1", host + "/copy:v1").code()).isZero();
        Cmd.Result mount = berth("push", host + "/copy:v1");
        assertThat(mount.code()).as(mount.toString()).isZero();
        assertThat(mount.stdout()).contains("Mounted from multi").contains("v1: digest: " + multiDigest);

        assertThat(berth("tag", "busybox", host + "/bb:2").code()).isZero();
        Cmd.Result allTags = berth("push", "-a", host + "/bb");
        assertThat(allTags.code()).as(allTags.toString()).isZero();
        assertThat(allTags.stdout()).contains("1: digest: ").contains("2: digest: ");
    }

    @Test
    @Order(5)
    void bearerTokenFlowWithCredentialHelper() throws Exception {
        try (TokenServer tokens = new TokenServer(tmp.resolve("token"), "bob", "hunter2");
                RegistryFixture treg = new RegistryFixture(tmp, null, tokens.authYaml(), null)) {
            String th = treg.host;
            // A docker-credential-* helper keeping secrets in a file.
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            Path store = tmp.resolve("helper-store");
            Path helper = bin.resolve("docker-credential-berthtest");
            Files.writeString(helper, """
                    #!/bin/sh
                    store=%s
                    case "$1" in
                      store) cat > "$store" ;;
                      get) read url; if [ -s "$store" ]; then cat "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
                      erase) read url; rm -f "$store" ;;
                    esac
                    """.formatted(store));
            helper.toFile().setExecutable(true);
            Path cfgDir = Files.createDirectories(tmp.resolve("helper-config"));
            Files.writeString(cfgDir.resolve("config.json"), "{\"credsStore\":\"berthtest\"}");
            Map<String, String> env = Map.of("BERTH_CONFIG", cfgDir.toString(), "PATH", bin + ":" + System.getenv("PATH"));

            Cmd.Result bad = berth(env, null, "login", "-u", "bob", "-p", "wrong", th);
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.stderr()).contains("unauthorized: incorrect username or password");
            Cmd.Result login = berth(env, null, "login", "-u", "bob", "-p", "hunter2", th);
            assertThat(login.code()).as(login.toString()).isZero();
            assertThat(Files.readString(store)).contains("\"ServerURL\":\"" + th + "\"").contains("<token>"); // identity token kept

            assertThat(berth("tag", "busybox", th + "/tok:1").code()).isZero();
            Cmd.Result push = berth(env, null, "push", th + "/tok:1");
            assertThat(push.code()).as(push.toString()).isZero();
            assertThat(tokens.requests).anyMatch(r -> r.contains("repository:tok:pull,push"));
            assertThat(tokens.requests).anyMatch(r -> r.startsWith("POST") && r.contains("grant_type=refresh_token"));

            assertThat(berth("rmi", th + "/tok:1").code()).isZero();
            Cmd.Result pull = berth(env, null, "pull", th + "/tok:1");
            assertThat(pull.code()).as(pull.toString()).isZero();

            Cmd.Result logout = berth(env, null, "logout", th);
            assertThat(logout.stdout()).contains("Removing login credentials for " + th);
            assertThat(store).doesNotExist();
            Cmd.Result anon = berth(env, null, "pull", th + "/tok:1");
            assertThat(anon.code()).isEqualTo(1);
            assertThat(anon.stderr()).contains("pull access denied for " + th + "/tok");
        }
    }

    /** A one-layer image of incompressible bytes, unique to the test, pushed by skopeo to a plain-HTTP registry. */
    private TestImages.Image randomImage(RegistryFixture plain, String repo, int size) throws Exception {
        byte[] noise = new byte[size];
        new Random().nextBytes(noise);
        Path layout = Files.createTempDirectory(tmp, "layout-");
        TestImages.Layer layer = TestImages.gzip(TestImages.tar(Map.of("noise", java.util.Base64.getEncoder().encodeToString(noise))));
        TestImages.Image img = TestImages.image(layout, "amd64", List.of(layer));
        TestImages.index(layout, "v1", "application/vnd.oci.image.manifest.v1+json", img.manifest());
        Cmd.Result r = Cmd.run(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":v1",
                "docker://" + plain.host + "/" + repo + ":v1"));
        assertThat(r.code()).as(r.toString()).isZero();
        return img;
    }

    private List<String> storeLeftovers() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(d.dataRoot.resolve("layers"))) {
            s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).forEach(p -> out.add(p.toString()));
        }
        return out;
    }

    @Test
    @Order(6)
    void corruptBlobIsRefusedAndNothingKept() throws Exception {
        try (RegistryFixture plain = new RegistryFixture(tmp, null, "", null)) {
            TestImages.Image img = randomImage(plain, "corrupt", 300_000);
            String manifest = new String(img.manifest(), StandardCharsets.UTF_8);
            String layerDigest = manifest.replaceAll("(?s).*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[a-f0-9]{64})\".*", "$1");
            Path data = plain.blobData(layerDigest);
            byte[] b = Files.readAllBytes(data);
            b[b.length / 2] ^= 0x55;
            Files.write(data, b);
            Cmd.Result pull = berth("pull", plain.host + "/corrupt:v1");
            assertThat(pull.code()).as(pull.toString()).isEqualTo(1);
            assertThat(pull.stderr()).contains("verification failed for digest " + layerDigest);
            assertThat(d.dataRoot.resolve("blobs/sha256").resolve(layerDigest.substring(7))).doesNotExist();
            assertThat(d.dataRoot.resolve("blobs/partial").resolve(layerDigest.substring(7))).doesNotExist();
            assertThat(storeLeftovers()).isEmpty();
            assertThat(berth("image", "inspect", plain.host + "/corrupt:v1").code()).isEqualTo(1);
        }
    }

    @Test
    @Order(7)
    void interruptedDownloadResumesWithRange() throws Exception {
        try (RegistryFixture plain = new RegistryFixture(tmp, null, "", null);
                BlobProxy proxy = new BlobProxy(plain.host)) {
            randomImage(plain, "resume", 600_000);
            proxy.cuts.set(1);
            Cmd.Result pull = berth("pull", proxy.host() + "/resume:v1");
            assertThat(pull.code()).as(pull.toString()).isZero();
            assertThat(proxy.blobRequests).anyMatch(r -> r.contains("range=bytes=") && !r.contains("range=bytes=0-"));
            assertThat(inspect("{{len .RootFS.Layers}}", proxy.host() + "/resume:v1")).isEqualTo("1");
        }
    }

    @Test
    @Order(8)
    void registryGoneMidPullFailsCleanlyAndResumesAfterDaemonRestart() throws Exception {
        try (RegistryFixture plain = new RegistryFixture(tmp, null, "", null);
                BlobProxy proxy = new BlobProxy(plain.host)) {
            TestImages.Image img = randomImage(plain, "gone", 600_000);
            proxy.cuts.set(100);
            Cmd.Result fail = berth("pull", proxy.host() + "/gone:v1");
            assertThat(fail.code()).as(fail.toString()).isEqualTo(1);
            assertThat(berth("image", "inspect", proxy.host() + "/gone:v1").code()).isEqualTo(1);
            assertThat(storeLeftovers()).isEmpty();
            try (Stream<Path> partial = Files.list(d.dataRoot.resolve("blobs/partial"))) {
                assertThat(partial.filter(p -> Files.isRegularFile(p)).count()).isPositive(); // kept by digest for a resume
            }
            d.stopDaemon();
            d.start();
            proxy.cuts.set(0);
            proxy.blobRequests.clear();
            Cmd.Result pull = berth("pull", proxy.host() + "/gone:v1");
            assertThat(pull.code()).as(pull.toString()).isZero();
            assertThat(proxy.blobRequests).anyMatch(r -> r.contains("range=bytes=") && !r.contains("range=bytes=0-"));
            assertThat(inspect("{{.Id}}", proxy.host() + "/gone:v1")).isEqualTo(img.configDigest());
        }
    }

    /** File names in a directory of the data root (empty if it is absent). */
    private List<String> names(String dir) throws IOException {
        Path p = d.dataRoot.resolve(dir);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    /** Digests (hex) of a manifest's config and layers, as the registry serves it. */
    private List<String> manifestBlobs(String ref) {
        Cmd.Result raw = Cmd.run(List.of("skopeo", "inspect", "--raw", "--creds", USER + ":" + PASS, "--cert-dir",
                certsD.resolve(host).toString(), "docker://" + host + "/" + ref));
        assertThat(raw.code()).as(raw.toString()).isZero();
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"digest\"\\s*:\\s*\"sha256:([a-f0-9]{64})\"")
                .matcher(raw.stdout());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    @Order(9)
    void layersKeepTarSplitNotTarsAndRemovalTakesBlobsAlong() throws Exception {
        berth(Map.of(), PASS, "login", "-u", USER, "--password-stdin", host);
        assertThat(berth("pull", host + "/multi:v1").code()).isZero();
        assertThat(berth("pull", "--platform", "linux/amd64", host + "/multiarch:v1").code()).isZero();
        String multi = inspect("{{.Id}}", host + "/multi:v1");
        List<String> multiBlobs = manifestBlobs("multi:v1"); // config, then layers (busybox first)
        assertThat(multiBlobs).hasSize(5);
        String base = multiBlobs.get(1);
        // every layer keeps small tar-split metadata, never a second copy of its tar
        for (String layer : names("layers")) {
            List<String> files = names("layers/" + layer);
            assertThat(files).as(layer).contains("diff", "layer.json", "tar-split.gz").doesNotContain("layer.tar");
            assertThat(Files.size(d.dataRoot.resolve("layers/" + layer + "/tar-split.gz"))).isLessThan(64 * 1024);
        }
        assertThat(names("blobs/sha256")).containsAll(multiBlobs);

        // save rebuilds the original tars: loaded again, the image has the same id
        Path saved = tmp.resolve("multi-saved.tar");
        Cmd.Result save = berth("save", "-o", saved.toString(), host + "/multi:v1");
        assertThat(save.code()).as(save.toString()).isZero();

        // removed: its config, manifest and own layer blobs go; the base layer's blob stays, as
        // multiarch (amd64) is built on the same busybox layer
        Cmd.Result rmi = berth("rmi", "-f", multi);
        assertThat(rmi.code()).as(rmi.toString()).isZero();
        List<String> left = names("blobs/sha256");
        assertThat(left).contains(base).doesNotContainAnyElementsOf(multiBlobs.subList(2, 5)).doesNotContain(multiBlobs.getFirst());
        String arch = inspect("{{.Id}}", host + "/multiarch:v1");
        assertThat(left).contains(arch.substring(7));

        Cmd.Result load = berth("load", "-i", saved.toString());
        assertThat(load.code()).as(load.toString()).isZero();
        assertThat(inspect("{{.Id}}", host + "/multi:v1")).isEqualTo(multi);

        // push after pull, and after the removal above, still gives the manifest the registry has
        // for amd64 (the pulled image's blobs, shared base included, were kept and are reused)
        Cmd.Result index = Cmd.run(List.of("skopeo", "inspect", "--raw", "--creds", USER + ":" + PASS, "--cert-dir",
                certsD.resolve(host).toString(), "docker://" + host + "/multiarch:v1"));
        String amd64 = null;
        for (var m : dev.berth.common.Json.MAPPER.readTree(index.stdout()).path("manifests")) {
            if (m.path("platform").path("architecture").asString().equals("amd64")) {
                amd64 = m.path("digest").asString();
            }
        }
        assertThat(amd64).as(index.toString()).startsWith("sha256:");
        assertThat(berth("tag", host + "/multiarch:v1", host + "/archcopy:v1").code()).isZero();
        Cmd.Result push = berth("push", host + "/archcopy:v1");
        assertThat(push.code()).as(push.toString()).isZero();
        assertThat(push.stdout()).contains("v1: digest: " + amd64);

        // nothing left but what remaining images need: after prune -a, no image and no blob
        assertThat(berth("ps", "-a", "-q").stdout()).isEmpty();
        Cmd.Result prune = berth("image", "prune", "-a", "-f");
        assertThat(prune.code()).as(prune.toString()).isZero();
        assertThat(berth("images", "-a", "-q").stdout()).isEmpty();
        assertThat(names("blobs/sha256")).isEmpty();
        assertThat(names("layers")).isEmpty();
        assertThat(names("blobs").stream().filter(n -> n.startsWith(".push-"))).isEmpty();
    }
}
