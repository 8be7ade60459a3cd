package dev.berth.daemon;

import dev.berth.sys.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * crun refuses every container on a hybrid cgroup host whose v2 mount still holds a controller
 * ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"). On such hosts the
 * missing v1 hierarchy (hugetlb here) is mounted, which moves the controller to v1, as Docker's
 * own setup would have.
 */
final class CgroupSetup {
    private CgroupSetup() {}

    static void prepareHybrid() {
        Path unified = Path.of("/sys/fs/cgroup/unified/cgroup.controllers");
        if (!Files.exists(unified)) {
            return;
        }
        try {
            String controllers = Files.readString(unified).strip();
            for (String ctrl : controllers.split("\\s+")) {
                if (ctrl.isEmpty()) {
                    continue;
                }
                Path target = Path.of("/sys/fs/cgroup", ctrl);
                if (Files.exists(target.resolve("cgroup.procs"))) {
                    continue;
                }
                Files.createDirectories(target);
                Mounts.mount("cgroup", target, "cgroup", 0, ctrl);
                System.err.println("berthd: mounted the v1 " + ctrl + " cgroup hierarchy (hybrid host; crun needs an empty cgroup v2 mount)");
            }
        } catch (IOException e) {
            System.err.println("berthd: warning: hybrid cgroups: " + e.getMessage()
                    + "; crun may refuse containers (try --default-runtime runc)");
        }
    }
}
