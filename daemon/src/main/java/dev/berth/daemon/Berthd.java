package dev.berth.daemon;

import dev.berth.api.http.HttpServer;
import dev.berth.api.http.Router;
import dev.berth.container.ContainerPaths;
import dev.berth.container.ContainerService;
import dev.berth.container.ContainerStore;
import dev.berth.container.ExecService;
import dev.berth.daemon.routes.ContainerRoutes;
import dev.berth.daemon.routes.EmptyPruneRoutes;
import dev.berth.daemon.routes.ExecRoutes;
import dev.berth.daemon.routes.ImageRoutes;
import dev.berth.daemon.routes.SystemRoutes;
import dev.berth.runtime.HostCapabilities;
import dev.berth.runtime.OciRuntime;
import dev.berth.runtime.SpecGenerator;
import dev.berth.store.Database;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * berthd: wires the services to the API and serves until SIGTERM. Stopping leaves containers
 * running (conmon holds them); the next start re-adopts them from the store and conmon's files.
 */
public final class Berthd implements AutoCloseable {
    private final DaemonConfig config;
    private final Database db;
    private final ContainerService containers;
    private final HttpServer server;
    private final HeapReturner heapReturner = new HeapReturner();

    Berthd(DaemonConfig config) throws IOException {
        this.config = config;
        Files.createDirectories(config.dataRoot(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Files.createDirectories(config.execRoot());
        CgroupSetup.prepareHybrid();
        db = new Database(config.dataRoot().resolve("berth.db"));
        var localImages = new dev.berth.image.LocalImageService[1];
        var imageService = Images.open(config.dataRoot(), db,
                usage -> localImages[0] = new dev.berth.image.LocalImageService(config.dataRoot(), db, usage));
        Map<String, OciRuntime> runtimes = new LinkedHashMap<>();
        for (String name : new String[] {"crun", "runc"}) {
            try {
                runtimes.put(name, OciRuntime.find(name, config.execRoot()));
            } catch (RuntimeException e) {
                System.err.println("berthd: runtime " + name + " not available: " + e.getMessage());
            }
        }
        if (!runtimes.containsKey(config.defaultRuntime())) {
            throw new IOException("default runtime " + config.defaultRuntime() + " is not installed");
        }
        ContainerStore store = new ContainerStore(db);
        containers = new ContainerService(store, imageService.asImageSource(), new ContainerPaths(config.dataRoot(), config.execRoot()),
                new SpecGenerator(HostCapabilities.detect(), defaultSeccomp()), runtimes, config.defaultRuntime());
        imageService.setUsage(store);
        ExecService execs = new ExecService(containers);
        Router router = new Router();
        new SystemRoutes(containers, imageService::count, config.dataRoot(), config.defaultRuntime()).register(router);
        new ContainerRoutes(containers, execs, imageService::matches).register(router);
        new ExecRoutes(execs).register(router);
        new EmptyPruneRoutes().register(router);
        var distribution = new dev.berth.daemon.routes.DistributionRoutes(
                new dev.berth.image.RegistryDistribution(localImages[0], config.registry()));
        new ImageRoutes(imageService.service()).withPull(distribution::pull).register(router);
        distribution.register(router);
        new dev.berth.daemon.routes.ImageArchiveRoutes(imageService.service()).register(router);
        server = new HttpServer(router);
    }

    void listen() throws IOException {
        for (String host : config.hosts()) {
            URI uri = URI.create(host);
            switch (uri.getScheme()) {
                case "unix" -> server.listenUnix(Path.of(uri.getPath()), 0660);
                case "tcp" -> server.listenTcp(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()));
                default -> throw new IOException("unsupported host: " + host);
            }
        }
        Files.createDirectories(config.pidFile().getParent());
        Files.writeString(config.pidFile(), ProcessHandle.current().pid() + "\n");
        heapReturner.start();
    }

    @Override
    public void close() {
        heapReturner.close();
        server.close();
        containers.close();
        db.close();
        try {
            Files.deleteIfExists(config.pidFile());
        } catch (IOException ignored) {
            // a stale pid file is harmless: it is rewritten at start
        }
    }

    public static void main(String[] args) throws Exception {
        // Registry blobs arrive through the JDK's HTTP client in buffers of this size (16 KiB by
        // default): 64 KiB means a quarter of the hand-offs between its selector thread and the
        // reader; a 200 MiB pull took ~780 instead of ~815 ms here (medians of 3 x 5 pulls).
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", "65536");
        }
        DaemonConfig config;
        try {
            config = DaemonConfig.parse(args);
        } catch (DaemonConfig.HelpRequested h) {
            System.out.print(DaemonConfig.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("berthd: " + e.getMessage());
            System.exit(125);
            return;
        }
        Berthd daemon;
        try {
            daemon = new Berthd(config);
            daemon.listen();
        } catch (IOException | RuntimeException e) {
            System.err.println("berthd: failed to start daemon: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }));
        System.err.println("berthd: API listening on " + String.join(", ", config.hosts()));
        stopped.await();
    }

    /** Docker's default seccomp profile, as Debian's containers-common ships it. */
    private static java.util.Optional<dev.berth.runtime.SeccompProfile> defaultSeccomp() throws IOException {
        var profile = dev.berth.runtime.SeccompProfile.load(dev.berth.runtime.SeccompProfile.DEFAULT_PATH);
        if (profile.isEmpty()) {
            System.err.println("berthd: WARNING: no seccomp profile at " + dev.berth.runtime.SeccompProfile.DEFAULT_PATH
                    + " (package golang-github-containers-common): containers run without seccomp");
        }
        return profile;
    }
}
