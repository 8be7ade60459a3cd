package dev.berth.daemon;

import dev.berth.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * berthd's settings: daemon.json first, then command-line flags on top (Docker's precedence;
 * Docker refuses a setting given in both, berth lets the flag win and says so).
 */
public record DaemonConfig(Path dataRoot, Path execRoot, List<String> hosts, String defaultRuntime, Path pidFile,
                           String logLevel, dev.berth.registry.RegistryConfig registry) {

    static final String USAGE = """
            Usage: berthd [OPTIONS]

            Options:
                  --data-root string        Root directory of persistent state (default "/var/lib/berth")
                  --exec-root string        Root directory for execution state (default "/run/berth")
              -H, --host list               Daemon socket(s) to listen on (default unix:///run/berth/berth.sock)
                  --config-file string      Daemon configuration file (default "/etc/berth/daemon.json")
                  --default-runtime string  Default OCI runtime for containers: crun or runc (default "crun")
              -p, --pidfile string          Path to use for daemon PID file (default "/run/berth/berthd.pid")
              -l, --log-level string        Set the logging level (debug, info, warn, error, fatal) (default "info")
                  --insecure-registry list  Enable insecure registry communication
                  --registry-mirror list    Preferred registry mirror
                  --certs-dir string        Registry CA certificates, <dir>/<host[:port]>/ca.crt (default "/etc/berth/certs.d")
                  --max-concurrent-downloads int  Set the max concurrent downloads (default 3)
                  --max-concurrent-uploads int    Set the max concurrent uploads (default 5)
                  --max-download-attempts int     Set the max download attempts for each pull (default 5)
            """;

    public static DaemonConfig parse(String[] args) throws IOException {
        Path configFile = Path.of("/etc/berth/daemon.json");
        boolean configExplicit = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                configFile = Path.of(args[i + 1]);
                configExplicit = true;
            } else if (args[i].startsWith("--config-file=")) {
                configFile = Path.of(args[i].substring("--config-file=".length()));
                configExplicit = true;
            }
        }
        String dataRoot = "/var/lib/berth";
        String execRoot = "/run/berth";
        List<String> hosts = new ArrayList<>();
        String runtime = "crun";
        String pidFile = null;
        String logLevel = "info";
        Registry reg = new Registry();
        if (Files.exists(configFile)) {
            JsonNode j;
            try {
                j = Json.MAPPER.readTree(Files.readAllBytes(configFile));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid daemon configuration file " + configFile + ": " + e.getMessage());
            }
            dataRoot = j.path("data-root").asString(dataRoot);
            execRoot = j.path("exec-root").asString(execRoot);
            j.path("hosts").forEach(h -> hosts.add(h.asString()));
            runtime = j.path("default-runtime").asString(runtime);
            pidFile = j.path("pidfile").asString(pidFile);
            logLevel = j.path("log-level").asString(logLevel);
            reg.read(j);
        } else if (configExplicit) {
            throw new IllegalArgumentException("unable to configure the daemon: open " + configFile + ": no such file or directory");
        }
        List<String> flagHosts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--config-file" -> i += value == null ? 1 : 0;
                case "--data-root" -> dataRoot = value != null ? value : next(args, ++i, name);
                case "--exec-root" -> execRoot = value != null ? value : next(args, ++i, name);
                case "-H", "--host" -> flagHosts.add(value != null ? value : next(args, ++i, name));
                case "--default-runtime" -> runtime = value != null ? value : next(args, ++i, name);
                case "-p", "--pidfile" -> pidFile = value != null ? value : next(args, ++i, name);
                case "-l", "--log-level" -> logLevel = value != null ? value : next(args, ++i, name);
                case "--insecure-registry" -> reg.insecure.add(value != null ? value : next(args, ++i, name));
                case "--registry-mirror" -> reg.mirrors.add(value != null ? value : next(args, ++i, name));
                case "--certs-dir" -> reg.certsDir = value != null ? value : next(args, ++i, name);
                case "--max-concurrent-downloads" -> reg.downloads = Integer.parseInt(value != null ? value : next(args, ++i, name));
                case "--max-concurrent-uploads" -> reg.uploads = Integer.parseInt(value != null ? value : next(args, ++i, name));
                case "--max-download-attempts" -> reg.attempts = Integer.parseInt(value != null ? value : next(args, ++i, name));
                case "-h", "--help" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown flag: " + a);
            }
        }
        if (!flagHosts.isEmpty()) {
            hosts.clear();
            hosts.addAll(flagHosts);
        }
        if (hosts.isEmpty()) {
            hosts.add("unix://" + Path.of(execRoot).resolve("berth.sock"));
        }
        if (!runtime.equals("crun") && !runtime.equals("runc")) {
            throw new IllegalArgumentException("invalid --default-runtime " + runtime + ": must be crun or runc");
        }
        if (!List.of("debug", "info", "warn", "error", "fatal").contains(logLevel)) {
            throw new IllegalArgumentException("unable to parse logging level: " + logLevel);
        }
        Path pid = pidFile == null ? Path.of(execRoot).resolve("berthd.pid") : Path.of(pidFile);
        return new DaemonConfig(Path.of(dataRoot).toAbsolutePath(), Path.of(execRoot).toAbsolutePath(), List.copyOf(hosts),
                runtime, pid.toAbsolutePath(), logLevel, reg.build());
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException("flag needs an argument: " + flag);
        }
        return args[i];
    }

    /** Registry settings as read from daemon.json and flags (flags add to lists, as Docker's do). */
    private static final class Registry {
        final List<String> insecure = new ArrayList<>();
        final List<String> mirrors = new ArrayList<>();
        String certsDir = dev.berth.registry.RegistryConfig.DEFAULT_CERTS_DIR.toString();
        int downloads = 3;
        int uploads = 5;
        int attempts = 5;
        long chunk = dev.berth.registry.RegistryConfig.DEFAULT_CHUNK;
        long connectSeconds = dev.berth.registry.RegistryConfig.DEFAULT_CONNECT_TIMEOUT.toSeconds();
        long readSeconds = dev.berth.registry.RegistryConfig.DEFAULT_READ_TIMEOUT.toSeconds();

        void read(JsonNode j) {
            j.path("insecure-registries").forEach(h -> insecure.add(h.asString()));
            j.path("registry-mirrors").forEach(h -> mirrors.add(h.asString()));
            certsDir = j.path("certs-dir").asString(certsDir);
            downloads = j.path("max-concurrent-downloads").asInt(downloads);
            uploads = j.path("max-concurrent-uploads").asInt(uploads);
            attempts = j.path("max-download-attempts").asInt(attempts);
            chunk = j.path("upload-chunk-size").asLong(chunk);
            connectSeconds = j.path("registry-connect-timeout").asLong(connectSeconds);
            readSeconds = j.path("registry-read-timeout").asLong(readSeconds);
        }

        dev.berth.registry.RegistryConfig build() {
            try {
                return new dev.berth.registry.RegistryConfig(Path.of(certsDir).toAbsolutePath(), insecure,
                        mirrors.stream().map(dev.berth.registry.RegistryConfig::parseMirror).toList(), downloads, uploads,
                        attempts, chunk, java.time.Duration.ofSeconds(connectSeconds), java.time.Duration.ofSeconds(readSeconds));
            } catch (dev.berth.common.EngineException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
    }

    /** Thrown for -h/--help. */
    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
