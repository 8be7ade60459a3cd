package dev.berth.cli;

import java.io.BufferedOutputStream;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The training run behind the CLI's AOT cache ({@code make build} runs it with
 * {@code -XX:AOTCacheOutput}): the everyday commands against a stand-in daemon on a private socket
 * answering with canned Engine API replies, so the cache holds the classes, linkage and profiles of
 * parsing flags, talking HTTP over a unix socket, reading JSON and printing tables — without a
 * real berthd at build time. Not a command; nothing else calls it.
 *
 * <p>The stand-in plays the whole of {@code run} as berthd does (create, a wait whose head comes at
 * once and whose body after the exit, a hijacked attach carrying stdcopy frames, start), and of
 * {@code exec}: a class the training misses is read from its jar and verified at every start that
 * needs it, which costs more than its share of the cache.
 */
public final class AotTraining {
    private static final String ID = "4c916b53f6cb2b4167d99ba3c7c18a3e54b5fbbf14d165b3b0f4203314942517";
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
            {"Version":"29.0.0","ApiVersion":"1.52","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64",
             "KernelVersion":"6.1.0","GoVersion":"java25","GitCommit":"","BuildTime":"",
             "Platform":{"Name":"berth"},"Components":[{"Name":"Engine","Version":"29.0.0"},{"Name":"berth","Version":"0.1.0"}]}""";
    private static final String HEAD = "Api-Version: 1.52\r\nOstype: linux\r\nServer: Berth/0.1 (linux)\r\n";

    /** How many containers the stand-in has started: waits and attaches end after the next start. */
    private static int starts;

    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("berth-aot-");
        Path socket = dir.resolve("train.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = Thread.ofPlatform().daemon().start(() -> accept(server));
            // as BerthCli.main: the process environment and stdio streams of the real start
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("BERTH_HOST", "unix://" + socket);
            PrintStream sink = new PrintStream(new BufferedOutputStream(OutputStream.nullOutputStream(), 1 << 16), false,
                    StandardCharsets.UTF_8);
            for (List<String> cmd : commands(args)) {
                for (int i = 0; i < 3; i++) {
                    BerthCli.execute(cmd.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), sink, sink, env);
                    sink.flush();
                }
            }
            daemon.interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** The commands of the groups named in {@code args} ({@code run}, {@code ps}, {@code other}), all when none is. */
    static List<List<String>> commands(String[] args) {
        List<String> groups = args.length == 0 ? List.of("run", "ps", "other") : List.of(args);
        List<List<String>> all = new java.util.ArrayList<>();
        if (groups.contains("ps")) {
            all.addAll(List.of(List.of("ps"), List.of("ps", "-a", "-q"), List.of("ps", "--format", "table {{.Names}}\t{{.Status}}"),
                    List.of("ps", "--format", "{{json .}}"), List.of("images"), List.of("container", "ls", "-f", "label=tier")));
        }
        if (groups.contains("run")) {
            // run and create declare a hundred flags: the costliest start-up there is
            all.addAll(List.of(List.of("run", "--rm", "--network", "none", "busybox", "true"),
                    List.of("run", "--pull", "never", "--rm", "-e", "A=1", "-l", "k=v", "-w", "/tmp", "busybox", "echo", "hi"),
                    List.of("run", "-d", "--network", "none", "busybox", "true"),
                    List.of("run", "-d", "--pull", "never", "--name", "web", "-p", "8080:80", "busybox", "sleep", "1"),
                    List.of("run", "-i", "--rm", "busybox", "cat"), List.of("create", "--pull", "never", "-it", "busybox", "sh"),
                    List.of("exec", "web", "true"), List.of("start", "-a", "web")));
        }
        if (groups.contains("other")) {
            all.addAll(List.of(List.of("--version"), List.of("version"), List.of("inspect", "nosuch"), List.of("logs", "-f", "web"),
                    List.of("stop", "web"), List.of("rm", "-f", "web"), List.of("ps", "--nope")));
        }
        return all;
    }

    /**
     * The stand-in daemon: one canned reply per connection, each on its own thread because a run
     * holds its wait and attach open while it starts. Plain JDK sockets, not the api module's
     * server, so that no server-side class (nor Jackson) ends up in the CLI's cache, which loads
     * every class it holds at each start.
     */
    private static void accept(ServerSocketChannel server) {
        while (true) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofPlatform().daemon().start(() -> serve(c));
        }
    }

    private static void serve(SocketChannel c) {
        try (c) {
            String head = readRequest(c);
            String[] line = head.substring(0, Math.max(0, head.indexOf('\r'))).split(" ");
            String method = line[0];
            String target = line.length > 1 ? line[1].replaceFirst("^/v[0-9.]+", "") : "/";
            String p = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            if (method.equals("POST") && p.endsWith("/wait")) {
                int seen = registered();
                write(c, "HTTP/1.1 200 OK\r\n" + HEAD + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
                awaitStart(seen);
                String body = "{\"StatusCode\":0,\"Error\":null}\n";
                write(c, Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
            } else if (method.equals("POST") && (p.endsWith("/attach") || p.startsWith("/exec/") && p.endsWith("/start"))) {
                int seen = registered();
                write(c, "HTTP/1.1 101 UPGRADED\r\n" + HEAD + "Content-Type: application/vnd.docker.multiplexed-stream\r\n"
                        + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
                if (p.endsWith("/attach")) awaitStart(seen);
                c.write(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 'h', 'i', '\n', 2, 0, 0, 0, 0, 0, 0, 1, '\n'}));
            } else if (method.equals("POST") && p.endsWith("/start")) {
                started();
                write(c, "HTTP/1.1 204 No Content\r\n" + HEAD + "\r\n");
            } else if (method.equals("POST") && p.endsWith("/stop") || method.equals("DELETE")) {
                write(c, "HTTP/1.1 204 No Content\r\n" + HEAD + "\r\n");
            } else {
                String[] reply = reply(method, p);
                byte[] body = reply[1].getBytes(StandardCharsets.UTF_8);
                write(c, "HTTP/1.1 " + reply[0] + "\r\n" + HEAD + "Content-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n");
                c.write(ByteBuffer.wrap(body));
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: the next command gets a new connection
        }
    }

    private static synchronized int registered() {
        return starts;
    }

    private static synchronized void started() {
        starts++;
        AotTraining.class.notifyAll();
    }

    /** Until the next start, at most 2 s: a command that never starts must not hang the build. */
    private static synchronized void awaitStart(int seen) throws InterruptedException {
        long end = System.nanoTime() + 2_000_000_000L;
        while (starts == seen && System.nanoTime() < end) AotTraining.class.wait(100);
    }

    /** The request head and its body (Content-Length), read to the end so closing never resets. */
    private static String readRequest(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        StringBuilder sb = new StringBuilder();
        int end;
        while ((end = sb.indexOf("\r\n\r\n")) < 0 && c.read(b) > 0) {
            b.flip();
            sb.append(StandardCharsets.ISO_8859_1.decode(b));
            b.clear();
        }
        String head = sb.toString();
        int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
        if (end >= 0 && at >= 0) {
            long length = Long.parseLong(head.substring(at + 16, head.indexOf('\r', at)).trim());
            long have = sb.length() - end - 4;
            while (have < length) {
                int n = c.read(b);
                if (n < 0) break;
                have += n;
                b.clear();
            }
        }
        return head;
    }

    private static void write(SocketChannel c, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) c.write(b);
    }

    private static String[] reply(String method, String p) {
        if (method.equals("GET") && p.equals("/_ping")) return new String[] {"200 OK", "OK"};
        if (method.equals("GET") && p.equals("/version")) return new String[] {"200 OK", VERSION};
        if (method.equals("GET") && p.equals("/containers/json")) return new String[] {"200 OK", "[" + CONTAINER + "]"};
        if (method.equals("GET") && p.equals("/images/json")) return new String[] {"200 OK", "[" + IMAGE + "]"};
        if (method.equals("POST") && p.equals("/containers/create")) {
            return new String[] {"201 Created", "{\"Id\":\"" + ID + "\",\"Warnings\":[]}\n"};
        }
        if (method.equals("POST") && p.endsWith("/exec")) return new String[] {"201 Created", "{\"Id\":\"e1\"}\n"};
        if (method.equals("GET") && p.startsWith("/exec/")) {
            return new String[] {"200 OK", "{\"ID\":\"e1\",\"Running\":false,\"ExitCode\":0,\"Pid\":0}\n"};
        }
        return new String[] {"404 Not Found", "{\"message\":\"No such container: web\"}"};
    }
}
