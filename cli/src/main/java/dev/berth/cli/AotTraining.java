package dev.berth.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = Thread.ofPlatform().daemon().start(() -> serve(server));
            Map<String, String> env = Map.of("BERTH_HOST", "unix://" + socket);
            PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            for (List<String> cmd : List.of(
                    List.of("ps"), List.of("ps", "-a", "-q"), List.of("ps", "--format", "table {{.Names}}\t{{.Status}}"),
                    List.of("ps", "--format", "{{json .}}"), List.of("images"), List.of("version"),
                    List.of("inspect", "nosuch"), List.of("container", "ls", "-f", "label=tier"),
                    // run and create declare a hundred flags: the costliest start-up there is
                    List.of("run", "--pull", "never", "--rm", "-e", "A=1", "-l", "k=v", "-w", "/tmp", "busybox", "true"),
                    List.of("run", "-d", "--pull", "never", "--name", "web", "-p", "8080:80", "busybox", "sleep", "1"),
                    List.of("create", "--pull", "never", "-it", "busybox", "sh"),
                    List.of("exec", "web", "true"), List.of("logs", "-f", "web"), List.of("stop", "web"),
                    List.of("rm", "-f", "web"), List.of("start", "-a", "web"), List.of("ps", "--nope"))) {
                for (int i = 0; i < 3; i++) {
                    BerthCli.execute(cmd.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), sink, sink, env);
                }
            }
            daemon.interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * The stand-in daemon: one canned reply per request, then close. Plain JDK sockets, not the api
     * module's server, so that no server-side class (nor Jackson) ends up in the CLI's cache, which
     * loads every class it holds at each start.
     */
    private static void serve(ServerSocketChannel server) {
        while (true) {
            try (SocketChannel c = server.accept()) {
                String head = readHead(c);
                String[] line = head.substring(0, Math.max(0, head.indexOf('\r'))).split(" ");
                String[] reply = reply(line[0], line.length > 1 ? line[1].replaceFirst("^/v[0-9.]+", "") : "/");
                byte[] body = bytes(reply[1]);
                String status = reply[0].equals("200") ? "200 OK" : "404 Not Found";
                c.write(ByteBuffer.wrap(bytes("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\nConnection: close\r\n\r\n")));
                c.write(ByteBuffer.wrap(body));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The request head and as much of a body as arrived with it (the replies ignore bodies). */
    private static String readHead(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        StringBuilder sb = new StringBuilder();
        while (sb.indexOf("\r\n\r\n") < 0 && c.read(b) > 0) {
            b.flip();
            sb.append(StandardCharsets.UTF_8.decode(b));
            b.clear();
        }
        return sb.toString();
    }

    private static String[] reply(String method, String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String missing = "{\"message\":\"No such container: web\"}";
        if (method.equals("GET") && p.equals("/_ping")) return new String[] {"200", "OK"};
        if (method.equals("GET") && p.equals("/version")) return new String[] {"200", VERSION};
        if (method.equals("GET") && p.equals("/containers/json")) return new String[] {"200", "[" + CONTAINER + "]"};
        if (method.equals("GET") && p.equals("/images/json")) return new String[] {"200", "[" + IMAGE + "]"};
        if (method.equals("POST") && p.equals("/containers/create")) {
            return new String[] {"404", "{\"message\":\"No such image: busybox:latest\"}"};
        }
        return new String[] {"404", missing};
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
