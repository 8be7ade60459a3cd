package dev.berth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this host allows, read once at daemon start: the capabilities berthd holds (so that
 * {@code --privileged} grants exactly those and works on hosts with a reduced bounding set), the
 * hard RLIMIT_NOFILE, and whether cgroups are pure v2.
 */
public record HostCapabilities(List<String> heldCapabilities, long nofileHardLimit, boolean cgroupV2) {

    /** Capability names indexed by number (linux/capability.h). */
    static final String[] CAP_NAMES = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"
    };

    public static HostCapabilities detect() {
        long bounding = 0;
        long nofile = 1_048_576L;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    bounding &= 0;
                    bounding |= Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    nofile = f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall back to Docker's defaults below
        }
        List<String> held = new ArrayList<>();
        for (int i = 0; i < CAP_NAMES.length; i++) {
            if ((bounding & (1L << i)) != 0) {
                held.add(CAP_NAMES[i]);
            }
        }
        if (held.isEmpty()) {
            held.addAll(SpecGenerator.DEFAULT_CAPS);
        }
        boolean v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
        return new HostCapabilities(List.copyOf(held), nofile, v2);
    }
}
