package dev.berth.daemon.routes;

import dev.berth.api.http.ApiVersions;
import dev.berth.api.http.Router;
import dev.berth.common.Json;
import dev.berth.container.Container;
import dev.berth.container.ContainerService;
import dev.berth.container.ContainerState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import tools.jackson.databind.node.ObjectNode;

/** /_ping, /version, /info. */
public final class SystemRoutes {
    public static final String VERSION = "0.1.0";

    private final ContainerService containers;
    private final IntSupplier imageCount;
    private final Path dataRoot;
    private final String defaultRuntime;

    public SystemRoutes(ContainerService containers, IntSupplier imageCount, Path dataRoot, String defaultRuntime) {
        this.containers = containers;
        this.imageCount = imageCount;
        this.dataRoot = dataRoot;
        this.defaultRuntime = defaultRuntime;
    }

    public void register(Router r) {
        byte[] ok = "OK".getBytes(StandardCharsets.US_ASCII);
        r.get("/_ping", ex -> ex.respondBytes(200, "text/plain; charset=utf-8", ok));
        r.head("/_ping", ex -> ex.respondBytes(200, "text/plain; charset=utf-8", ok));
        r.get("/version", ex -> ex.respondJson(200, version()));
        r.get("/info", ex -> ex.respondJson(200, info()));
    }

    private ObjectNode version() {
        ObjectNode v = Json.object();
        ObjectNode platform = v.putObject("Platform");
        platform.put("Name", "berth");
        var comps = v.putArray("Components");
        ObjectNode engine = comps.addObject();
        engine.put("Name", "Engine");
        engine.put("Version", ApiVersions.DOCKER_ENGINE);
        ObjectNode details = engine.putObject("Details");
        details.put("ApiVersion", ApiVersions.CURRENT);
        details.put("MinAPIVersion", ApiVersions.MIN);
        details.put("Os", "linux");
        details.put("Arch", "amd64");
        ObjectNode berth = comps.addObject();
        berth.put("Name", "berth");
        berth.put("Version", VERSION);
        berth.putObject("Details").put("DefaultRuntime", defaultRuntime)
                .put("JavaVersion", Runtime.version().toString());
        v.put("Version", ApiVersions.DOCKER_ENGINE);
        v.put("ApiVersion", ApiVersions.CURRENT);
        v.put("MinAPIVersion", ApiVersions.MIN);
        v.put("GitCommit", "");
        v.put("GoVersion", "java" + Runtime.version().feature());
        v.put("Os", "linux");
        v.put("Arch", "amd64");
        v.put("KernelVersion", System.getProperty("os.version"));
        v.put("BuildTime", "");
        return v;
    }

    private ObjectNode info() {
        int running = 0;
        int paused = 0;
        int stopped = 0;
        for (Container c : containers.all()) {
            if (c.state().status() == ContainerState.Status.PAUSED) {
                paused++;
            } else if (c.state().running()) {
                running++;
            } else {
                stopped++;
            }
        }
        ObjectNode i = Json.object();
        i.put("ID", "berth");
        i.put("Containers", running + paused + stopped);
        i.put("ContainersRunning", running);
        i.put("ContainersPaused", paused);
        i.put("ContainersStopped", stopped);
        i.put("Images", imageCount.getAsInt());
        i.put("Driver", "overlay2");
        i.putArray("DriverStatus");
        i.put("MemoryLimit", true);
        i.put("SwapLimit", true);
        i.put("CpuCfsPeriod", true);
        i.put("CpuCfsQuota", true);
        i.put("CPUShares", true);
        i.put("PidsLimit", true);
        i.put("IPv4Forwarding", true);
        i.put("Debug", false);
        i.put("NFd", 0);
        i.put("NGoroutines", Thread.activeCount());
        i.put("SystemTime", dev.berth.container.DockerTime.format(java.time.Instant.now()));
        i.put("LoggingDriver", "k8s-file");
        boolean v2 = java.nio.file.Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        i.put("CgroupDriver", "cgroupfs");
        i.put("CgroupVersion", v2 ? "2" : "1");
        i.put("KernelVersion", System.getProperty("os.version"));
        i.put("OperatingSystem", "linux");
        i.put("OSType", "linux");
        i.put("Architecture", "x86_64");
        i.put("NCPU", Runtime.getRuntime().availableProcessors());
        i.put("MemTotal", memTotal());
        i.put("DockerRootDir", dataRoot.toString());
        i.put("Name", hostname());
        i.putArray("Labels");
        i.put("ServerVersion", VERSION);
        ObjectNode runtimes = i.putObject("Runtimes");
        runtimes.putObject("crun").put("path", "crun");
        runtimes.putObject("runc").put("path", "runc");
        i.put("DefaultRuntime", defaultRuntime);
        i.putObject("Plugins").putArray("Volume").add("local");
        i.putArray("SecurityOptions").add("name=seccomp,profile=builtin");
        i.put("ExperimentalBuild", false);
        i.put("LiveRestoreEnabled", true);
        i.put("Isolation", "");
        i.put("InitBinary", "tini");
        return i;
    }

    private static long memTotal() {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // unknown
        }
        return 0;
    }

    private static String hostname() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
