package dev.berth.daemon.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The host pids of a container's processes, from its cgroup (v2 or the v1 pids/memory hierarchy). */
final class CgroupPids {
    private CgroupPids() {}

    static List<Integer> of(String id) {
        for (String base : List.of("/sys/fs/cgroup", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu")) {
            Path procs = Path.of(base, "berth", id, "cgroup.procs");
            if (Files.exists(procs)) {
                try {
                    return Files.readAllLines(procs).stream().filter(s -> !s.isBlank()).map(Integer::parseInt).toList();
                } catch (IOException | NumberFormatException e) {
                    return List.of();
                }
            }
        }
        return List.of();
    }
}
