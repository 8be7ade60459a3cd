package dev.berth.runtime;

import dev.berth.common.Json;
import dev.berth.oci.Platform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the OCI runtime spec (config.json) from a {@link RuntimeSpec}: Docker's defaults for
 * namespaces, mounts, capabilities, masked and read-only paths, devices and rlimits, then the
 * container's own settings on top.
 */
public final class SpecGenerator {
    /** Docker's default capability set. */
    public static final List<String> DEFAULT_CAPS = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    static final List<String> MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final HostCapabilities host;
    private final Optional<SeccompProfile> defaultSeccomp;

    /** {@code defaultSeccomp}: the profile containers get unless they opt out; empty on a host without one. */
    public SpecGenerator(HostCapabilities host, Optional<SeccompProfile> defaultSeccomp) {
        this.host = host;
        this.defaultSeccomp = defaultSeccomp;
    }

    public Optional<SeccompProfile> defaultSeccomp() {
        return defaultSeccomp;
    }

    public ObjectNode generate(RuntimeSpec s) {
        ObjectNode spec = Json.object();
        spec.put("ociVersion", "1.0.2");
        ObjectNode process = spec.putObject("process");
        process.put("terminal", s.terminal());
        ObjectNode user = process.putObject("user");
        user.put("uid", s.uid());
        user.put("gid", s.gid());
        if (!s.additionalGids().isEmpty()) {
            ArrayNode ag = user.putArray("additionalGids");
            s.additionalGids().forEach(ag::add);
        }
        strings(process.putArray("args"), s.args());
        strings(process.putArray("env"), s.env());
        process.put("cwd", s.cwd().isEmpty() ? "/" : s.cwd());
        ObjectNode caps = process.putObject("capabilities");
        List<String> effective = capabilities(s);
        for (String set : List.of("bounding", "effective", "permitted")) {
            strings(caps.putArray(set), effective);
        }
        ArrayNode rlimits = process.putArray("rlimits");
        ObjectNode nofile = rlimits.addObject();
        nofile.put("type", "RLIMIT_NOFILE");
        long limit = Math.min(1_048_576L, host.nofileHardLimit());
        nofile.put("hard", limit);
        nofile.put("soft", limit);
        process.put("noNewPrivileges", !s.privileged());

        ObjectNode root = spec.putObject("root");
        root.put("path", s.rootfs().toString());
        root.put("readonly", s.readonlyRootfs());
        spec.put("hostname", s.hostname());

        ArrayNode mounts = spec.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
        mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", s.privileged() ? "rw" : "ro"));
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup",
                List.of("nosuid", "noexec", "nodev", "relatime", s.privileged() ? "rw" : "ro"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        long shm = s.shmSizeBytes() > 0 ? s.shmSizeBytes() : 64L * 1024 * 1024;
        mount(mounts, "/dev/shm", "shm", "tmpfs", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shm));
        for (RuntimeSpec.BindMount b : s.binds()) {
            List<String> opts = new ArrayList<>(List.of("rbind", "rprivate"));
            opts.add(b.readOnly() ? "ro" : "rw");
            mount(mounts, b.destination(), b.source().toString(), "bind", opts);
        }

        ObjectNode linux = spec.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String t : List.of("pid", "network", "ipc", "uts", "mount")) {
            ns.addObject().put("type", t);
        }
        if (host.cgroupV2()) {
            ns.addObject().put("type", "cgroup");
        }
        if (!s.privileged()) {
            strings(linux.putArray("maskedPaths"), MASKED_PATHS);
            strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
        }
        linux.put("cgroupsPath", s.cgroupsPath());
        resources(linux.putObject("resources"), s);
        if (!s.sysctls().isEmpty()) {
            ObjectNode sc = linux.putObject("sysctl");
            s.sysctls().forEach(sc::put);
        }
        s.seccomp().ifPresent(p -> linux.set("seccomp", p.toOci(effective, Platform.host().architecture())));
        return spec;
    }

    private List<String> capabilities(RuntimeSpec s) {
        if (s.privileged()) {
            // Every capability the daemon itself holds: works where the bounding set is reduced.
            return host.heldCapabilities();
        }
        Set<String> caps = new LinkedHashSet<>(DEFAULT_CAPS);
        for (String add : s.capAdd()) {
            if (add.equalsIgnoreCase("ALL")) {
                caps.addAll(host.heldCapabilities());
            } else {
                caps.add(normalizeCap(add));
            }
        }
        for (String drop : s.capDrop()) {
            if (drop.equalsIgnoreCase("ALL")) {
                caps.clear();
            } else {
                caps.remove(normalizeCap(drop));
            }
        }
        caps.retainAll(host.heldCapabilities());
        return List.copyOf(caps);
    }

    public static String normalizeCap(String cap) {
        String c = cap.toUpperCase(Locale.ROOT);
        return c.startsWith("CAP_") ? c : "CAP_" + c;
    }

    private static void resources(ObjectNode res, RuntimeSpec s) {
        ArrayNode devices = res.putArray("devices");
        devices.addObject().put("allow", false).put("access", "rwm");
        if (s.privileged()) {
            devices.addObject().put("allow", true).put("access", "rwm");
        } else {
            // Docker's default device allow list: null, zero, full, random, urandom, tty, console, ptmx, pts, tun.
            int[][] chars = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {10, 200}};
            for (int[] c : chars) {
                devices.addObject().put("allow", true).put("type", "c").put("major", c[0]).put("minor", c[1]).put("access", "rwm");
            }
            devices.addObject().put("allow", true).put("type", "c").put("major", 136).put("access", "rwm");
        }
        RuntimeSpec.Resources r = s.resources();
        if (r.memoryBytes() > 0) {
            ObjectNode mem = res.putObject("memory");
            mem.put("limit", r.memoryBytes());
            if (r.memorySwapBytes() != 0) {
                mem.put("swap", r.memorySwapBytes());
            }
        }
        if (r.cpuShares() > 0 || r.cpuQuota() > 0 || !r.cpusetCpus().isEmpty()) {
            ObjectNode cpu = res.putObject("cpu");
            if (r.cpuShares() > 0) {
                cpu.put("shares", r.cpuShares());
            }
            if (r.cpuQuota() > 0) {
                cpu.put("quota", r.cpuQuota());
                cpu.put("period", r.cpuPeriod() > 0 ? r.cpuPeriod() : 100_000L);
            }
            if (!r.cpusetCpus().isEmpty()) {
                cpu.put("cpus", r.cpusetCpus());
            }
        }
        if (r.pidsLimit() > 0) {
            res.putObject("pids").put("limit", r.pidsLimit());
        }
        if (r.blkioWeight() > 0) {
            res.putObject("blockIO").put("weight", r.blkioWeight());
        }
    }

    private static void mount(ArrayNode mounts, String dest, String source, String type, List<String> options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), options);
    }

    private static void strings(ArrayNode arr, List<String> values) {
        values.forEach(arr::add);
    }
}
