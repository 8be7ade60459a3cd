package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The cgroup and cgroup2 file systems of a mountinfo (/proc/self/mountinfo's lines). */
final class CgroupMounts {
    /** One mounted hierarchy; a v1 one names its controllers among its super options ("rw,cpu,cpuacct"). */
    record Mount(boolean v2, Path point, Set<String> superOptions) {}

    private CgroupMounts() {}

    /** The lines of this process's /proc/self/mountinfo, for {@link #parse}. */
    static List<String> mountinfo() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo"));
    }

    static List<Mount> parse(List<String> mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" "); // fstype source superoptions
            String[] before = line.substring(0, dash).split(" "); // id parent dev root mountpoint ...
            if (after.length < 3 || before.length < 5) {
                continue;
            }
            if (after[0].equals("cgroup") || after[0].equals("cgroup2")) {
                mounts.add(new Mount(after[0].equals("cgroup2"), Path.of(unescape(before[4])),
                        new HashSet<>(List.of(after[2].split(",")))));
            }
        }
        return List.copyOf(mounts);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
