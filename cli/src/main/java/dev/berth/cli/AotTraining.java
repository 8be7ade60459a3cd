package dev.berth.cli;

import dev.berth.api.http.HttpServer;
import dev.berth.api.http.Router;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The training run behind the CLI's AOT cache ({@code make build} runs it with
 * {@code -XX:AOTCacheOutput}): the everyday commands against a stand-in daemon on a private socket
 * answering with canned Engine API replies, so the cache holds the classes, linkage and profiles of
 * parsing flags, talking HTTP over a unix socket, reading JSON and printing tables — without a
 * real berthd at build time. Not a command; nothing else calls it.
 */
public final class AotTraining {
    private static final String CONTAINER = """
            {"Id":"4c916b53f6cb2b4167d99ba3c7c18a3e54b5fbbf14d165b3b0f4203314942517","Names":["/web"],
             "Image":"busybox","ImageID":"sha256:a70ba67a6b4bdbf498f2295d9b267127592a4109c2a0ac13666b51f44fbe3bc4",
             "Command":"sleep 100","Created":1763900000,"Ports":[],"Labels":{"tier":"web"},"State":"running",
             "Status":"Up 2 minutes","HostConfig":{"NetworkMode":"bridge"},"NetworkSettings":{"Networks":{}},"Mounts":[]}""";
    private static final String IMAGE = """
            {"Id":"sha256:a70ba67a6b4bdbf498f2295d9b267127592a4109c2a0ac13666b51f44fbe3bc4","ParentId":"",
             "RepoTags":["busybox:latest"],"RepoDigests":[],"Created":1763900000,"Size":1980000,"SharedSize":-1,
             "Labels":{},"Containers":-1}""";
    private static final String VERSION = """
            {"Version":"0.1.0","ApiVersion":"1.52","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64",
             "KernelVersion":"6.1.0","GoVersion":"java25","GitCommit":"","BuildTime":"",
             "Platform":{"Name":"berth"},"Components":[]}""";

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("berth-aot-");
        Path socket = dir.resolve("train.sock");
        Router router = new Router()
                .get("/_ping", ex -> ex.respondBytes(200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8)))
                .head("/_ping", ex -> ex.respond(200))
                .get("/version", ex -> ex.respondBytes(200, "application/json", bytes(VERSION)))
                .get("/containers/json", ex -> ex.respondBytes(200, "application/json", bytes("[" + CONTAINER + "]")))
                .get("/images/json", ex -> ex.respondBytes(200, "application/json", bytes("[" + IMAGE + "]")))
                .get("/containers/{id}/json", ex -> ex.respondBytes(404, "application/json",
                        bytes("{\"message\":\"No such container: " + ex.pathParam("id") + "\"}")))
                .post("/containers/create", ex -> ex.respondBytes(404, "application/json",
                        bytes("{\"message\":\"No such image: busybox:latest\"}")))
                .post("/containers/{id}/{verb}", ex -> ex.respondBytes(404, "application/json",
                        bytes("{\"message\":\"No such container: " + ex.pathParam("id") + "\"}")))
                .delete("/containers/{id}", ex -> ex.respondBytes(404, "application/json",
                        bytes("{\"message\":\"No such container: " + ex.pathParam("id") + "\"}")));
        try (HttpServer server = new HttpServer(router)) {
            server.listenUnix(socket, 0600);
            Map<String, String> env = Map.of("BERTH_HOST", "unix://" + socket);
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            for (List<String> cmd : List.of(
                    List.of("ps"), List.of("ps", "-a", "-q"), List.of("ps", "--format", "table {{.Names}}\t{{.Status}}"),
                    List.of("ps", "--format", "{{json .}}"), List.of("images"), List.of("version"),
                    List.of("inspect", "nosuch"), List.of("container", "ls", "-f", "label=tier"),
                    // run and create parse a hundred options: the costliest start-up there is
                    List.of("run", "--pull", "never", "--rm", "-e", "A=1", "-l", "k=v", "-w", "/tmp", "busybox", "true"),
                    List.of("run", "-d", "--pull", "never", "--name", "web", "-p", "8080:80", "busybox", "sleep", "1"),
                    List.of("create", "--pull", "never", "-it", "busybox", "sh"),
                    List.of("exec", "web", "true"), List.of("logs", "-f", "web"), List.of("stop", "web"),
                    List.of("rm", "-f", "web"), List.of("start", "-a", "web"))) {
                for (int i = 0; i < 3; i++) {
                    BerthCli.execute(cmd.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), sink, sink, env);
                }
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
