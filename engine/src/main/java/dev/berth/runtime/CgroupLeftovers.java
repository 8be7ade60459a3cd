package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Removes a container's cgroup from every mounted hierarchy (v1 controllers and v2) after the
 * runtime failed to create it: a runtime that dies midway (crun refused its device filter, say)
 * can leave the empty cgroup behind, and nothing else would ever remove it.
 */
public final class CgroupLeftovers {
    private CgroupLeftovers() {}

    /**
     * rmdir of {@code cgroupsPath} (like "/berth/<id>") under each cgroup mount; a busy one stays.
     * True when none is left.
     */
    public static boolean remove(String cgroupsPath) {
        String relative = cgroupsPath.startsWith("/") ? cgroupsPath.substring(1) : cgroupsPath;
        boolean gone = true;
        for (Path mount : cgroupMounts()) {
            Path dir = mount.resolve(relative).normalize();
            if (!dir.startsWith(mount) || dir.equals(mount)) {
                continue; // only ever below the hierarchy's root
            }
            try {
                Files.deleteIfExists(dir); // a cgroup directory goes with rmdir, control files and all
            } catch (IOException e) {
                gone = false;
            }
        }
        return gone;
    }

    /** Mount points of cgroup and cgroup2 file systems, from /proc/self/mountinfo. */
    static List<Path> cgroupMounts() {
        try {
            return CgroupMounts.parse(CgroupMounts.mountinfo()).stream().map(CgroupMounts.Mount::point).toList();
        } catch (IOException e) {
            System.err.println("berthd: read mountinfo: " + e.getMessage());
            return List.of();
        }
    }
}
