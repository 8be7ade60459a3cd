package dev.berth.cli.container;

import dev.berth.cli.format.Units;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import dev.berth.common.json.ArrayNode;
import dev.berth.common.json.ObjectNode;

/**
 * Turns {@code run}/{@code create} flags into the body of {@code POST /containers/create}: the
 * Config fields at the top level, plus {@code HostConfig} and {@code NetworkingConfig}, as
 * docker/cli's opts.go parse() builds them. Pure: files and the environment come in as functions.
 */
public final class CreateRequest {
    /** The request: name and platform go in the query, body is the JSON. */
    public record Request(String name, String platform, ObjectNode body) {}

    private CreateRequest() {}

    /**
     * @param forRun   true for {@code run}: a detached run attaches nothing; an attached stdin is
     *                 closed after the first attach ends (StdinOnce)
     * @param detach   {@code run -d}
     * @param env      the CLI's environment, for {@code -e KEY} without a value
     * @param readFile lines of a file (for --env-file, --label-file)
     */
    public static Request build(ContainerOptions o, boolean forRun, boolean detach,
                                Function<String, String> env, Function<String, List<String>> readFile) {
        ObjectNode b = new ObjectNode();
        boolean attachStdin = o.attach.stream().anyMatch(a -> a.equalsIgnoreCase("stdin"));
        boolean attachStdout = o.attach.stream().anyMatch(a -> a.equalsIgnoreCase("stdout"));
        boolean attachStderr = o.attach.stream().anyMatch(a -> a.equalsIgnoreCase("stderr"));
        for (String a : o.attach) {
            if (!List.of("stdin", "stdout", "stderr").contains(a.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("valid streams are STDIN, STDOUT and STDERR");
            }
        }
        if (o.interactive) attachStdin = true;
        if (o.attach.isEmpty()) {
            attachStdout = true;
            attachStderr = true;
        }
        if (forRun && detach) {
            if (!o.attach.isEmpty()) throw new IllegalArgumentException("Conflicting options: -a and -d");
            attachStdin = attachStdout = attachStderr = false;
        }
        if (o.rm && o.restart != null && !o.restart.equals("no")) {
            throw new IllegalArgumentException("Conflicting options: cannot specify both --restart and --rm");
        }
        putIf(b, "Hostname", o.hostname);
        putIf(b, "Domainname", o.domainname);
        putIf(b, "User", o.user);
        b.put("AttachStdin", attachStdin);
        b.put("AttachStdout", attachStdout);
        b.put("AttachStderr", attachStderr);

        // Ports: -p publishes (and exposes), --expose only exposes.
        Map<String, List<PortSpecs.Mapping>> bindings = new LinkedHashMap<>();
        List<String> exposed = new ArrayList<>();
        for (String p : o.publish) {
            for (PortSpecs.Mapping m : PortSpecs.parse(p)) {
                bindings.computeIfAbsent(m.port(), k -> new ArrayList<>()).add(m);
                if (!exposed.contains(m.port())) exposed.add(m.port());
            }
        }
        for (String e : o.expose) for (String p : PortSpecs.expose(e)) if (!exposed.contains(p)) exposed.add(p);
        if (!exposed.isEmpty()) {
            ObjectNode ep = b.putObject("ExposedPorts");
            for (String p : exposed) ep.putObject(p);
        }
        b.put("Tty", o.tty);
        b.put("OpenStdin", o.interactive);
        b.put("StdinOnce", forRun && !detach && o.interactive && attachStdin);

        List<String> envs = new ArrayList<>();
        for (String f : o.envFile) envs.addAll(KeyValueFiles.parse(f, readFile.apply(f), env));
        envs.addAll(KeyValueFiles.envFlags(o.env, env));
        putStrings(b, "Env", envs);
        if (!o.command.isEmpty()) putStrings(b, "Cmd", o.command);

        if (o.noHealthcheck) {
            if (o.healthCmd != null || o.healthInterval != null || o.healthTimeout != null || o.healthRetries != null || o.healthStartPeriod != null) {
                throw new IllegalArgumentException("--no-healthcheck conflicts with --health-* options");
            }
            b.putObject("Healthcheck").putArray("Test").add("NONE");
        } else if (o.healthCmd != null || o.healthInterval != null || o.healthTimeout != null || o.healthRetries != null
                || o.healthStartPeriod != null || o.healthStartInterval != null) {
            ObjectNode h = b.putObject("Healthcheck");
            if (o.healthCmd != null) h.putArray("Test").add("CMD-SHELL").add(o.healthCmd);
            if (o.healthInterval != null) h.put("Interval", GoDuration.parseNanos(o.healthInterval));
            if (o.healthTimeout != null) h.put("Timeout", GoDuration.parseNanos(o.healthTimeout));
            if (o.healthStartPeriod != null) h.put("StartPeriod", GoDuration.parseNanos(o.healthStartPeriod));
            if (o.healthStartInterval != null) h.put("StartInterval", GoDuration.parseNanos(o.healthStartInterval));
            if (o.healthRetries != null) h.put("Retries", o.healthRetries);
        }
        b.put("Image", o.image);

        // -v with one path is an anonymous volume (Config.Volumes); with a source it is a bind.
        List<String> binds = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        for (String v : o.volume) {
            if (v.isEmpty()) throw new IllegalArgumentException("invalid empty volume spec");
            if (v.indexOf(':') > 0) binds.add(v);
            else volumes.add(v);
        }
        if (!volumes.isEmpty()) {
            ObjectNode vn = b.putObject("Volumes");
            for (String v : volumes) vn.putObject(v);
        }
        putIf(b, "WorkingDir", o.workdir);
        if (o.entrypoint != null) b.putArray("Entrypoint").add(o.entrypoint);
        putIf(b, "MacAddress", o.macAddress);
        Map<String, String> labels = new LinkedHashMap<>();
        for (String f : o.labelFile) for (String kv : KeyValueFiles.parse(f, readFile.apply(f), null)) putKv(labels, kv);
        for (String kv : o.label) putKv(labels, kv);
        if (!labels.isEmpty()) {
            ObjectNode ln = b.putObject("Labels");
            labels.forEach(ln::put);
        }
        putIf(b, "StopSignal", o.stopSignal);
        if (o.stopTimeout != null) b.put("StopTimeout", o.stopTimeout);

        b.set("HostConfig", hostConfig(o, binds, bindings));

        if (o.network != null && (!o.networkAlias.isEmpty() || o.ip != null)) {
            ObjectNode ec = b.putObject("NetworkingConfig").putObject("EndpointsConfig").putObject(o.network);
            if (!o.networkAlias.isEmpty()) putStrings(ec, "Aliases", o.networkAlias);
            if (o.ip != null) ec.putObject("IPAMConfig").put("IPv4Address", o.ip);
        } else if (!o.networkAlias.isEmpty()) {
            throw new IllegalArgumentException("network-scoped aliases are only supported for user-defined networks");
        }
        return new Request(o.name, o.platform, b);
    }

    private static ObjectNode hostConfig(ContainerOptions o, List<String> binds, Map<String, List<PortSpecs.Mapping>> bindings) {
        ObjectNode h = new ObjectNode();
        putStrings(h, "Binds", binds);
        if (o.logDriver != null || !o.logOpt.isEmpty()) {
            ObjectNode lc = h.putObject("LogConfig");
            lc.put("Type", o.logDriver == null ? "" : o.logDriver);
            ObjectNode cfg = lc.putObject("Config");
            for (String kv : o.logOpt) {
                int eq = kv.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("invalid key-value format: " + kv);
                cfg.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        putIf(h, "NetworkMode", o.network);
        if (!bindings.isEmpty()) {
            ObjectNode pb = h.putObject("PortBindings");
            bindings.forEach((port, ms) -> {
                ArrayNode arr = pb.putArray(port);
                for (PortSpecs.Mapping m : ms) arr.addObject().put("HostIp", m.hostIp()).put("HostPort", m.hostPort());
            });
        }
        if (o.restart != null) h.set("RestartPolicy", restartPolicy(o.restart));
        h.put("AutoRemove", o.rm);
        putIf(h, "VolumeDriver", o.volumeDriver);
        putStrings(h, "VolumesFrom", o.volumesFrom);
        if (!o.mount.isEmpty()) {
            ArrayNode ms = h.putArray("Mounts");
            for (String m : o.mount) ms.add(MountSpec.parse(m));
        }
        putStrings(h, "CapAdd", o.capAdd);
        putStrings(h, "CapDrop", o.capDrop);
        putStrings(h, "Dns", o.dns);
        putStrings(h, "DnsOptions", o.dnsOption);
        putStrings(h, "DnsSearch", o.dnsSearch);
        List<String> hosts = new ArrayList<>();
        for (String a : o.addHost) {
            // Docker accepts host=ip and host:ip; the API wants host:ip.
            int eq = a.indexOf('=');
            hosts.add(eq > 0 ? a.substring(0, eq) + ":" + a.substring(eq + 1) : a);
        }
        putStrings(h, "ExtraHosts", hosts);
        putStrings(h, "GroupAdd", o.groupAdd);
        putIf(h, "IpcMode", o.ipc);
        putIf(h, "CgroupnsMode", o.cgroupns);
        putStrings(h, "Links", o.link);
        if (o.oomScoreAdj != null) h.put("OomScoreAdj", o.oomScoreAdj);
        putIf(h, "PidMode", o.pid);
        h.put("Privileged", o.privileged);
        h.put("PublishAllPorts", o.publishAll);
        h.put("ReadonlyRootfs", o.readOnly);
        putStrings(h, "SecurityOpt", o.securityOpt);
        if (!o.tmpfs.isEmpty()) {
            ObjectNode t = h.putObject("Tmpfs");
            for (String s : o.tmpfs) {
                int c = s.indexOf(':');
                t.put(c < 0 ? s : s.substring(0, c), c < 0 ? "" : s.substring(c + 1));
            }
        }
        putIf(h, "UTSMode", o.uts);
        putIf(h, "UsernsMode", o.userns);
        if (o.shmSize != null) h.put("ShmSize", Units.ramInBytes(o.shmSize));
        if (!o.sysctl.isEmpty()) {
            ObjectNode s = h.putObject("Sysctls");
            for (String kv : o.sysctl) {
                int eq = kv.indexOf('=');
                if (eq < 0) throw new IllegalArgumentException("invalid argument \"" + kv + "\" for \"--sysctl\" flag: sysctl '" + kv + "' is not allowed");
                s.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        putIf(h, "Runtime", o.runtime);
        if (o.init) h.put("Init", true);
        putIf(h, "CgroupParent", o.cgroupParent);
        if (o.cpuShares != null) h.put("CpuShares", o.cpuShares);
        if (o.memory != null) h.put("Memory", Units.ramInBytes(o.memory));
        if (o.cpuPeriod != null) h.put("CpuPeriod", o.cpuPeriod);
        if (o.cpuQuota != null) h.put("CpuQuota", o.cpuQuota);
        if (o.cpus != null) {
            BigDecimal n;
            try {
                n = new BigDecimal(o.cpus);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid argument \"" + o.cpus + "\" for \"--cpus\" flag: failed to parse " + o.cpus + " as a rational number");
            }
            h.put("NanoCpus", n.movePointRight(9).longValue());
        }
        putIf(h, "CpusetCpus", o.cpusetCpus);
        putIf(h, "CpusetMems", o.cpusetMems);
        if (o.blkioWeight != null) h.put("BlkioWeight", o.blkioWeight);
        if (!o.device.isEmpty()) {
            ArrayNode d = h.putArray("Devices");
            for (String dev : o.device) {
                String[] p = dev.split(":");
                d.addObject().put("PathOnHost", p[0]).put("PathInContainer", p.length > 1 ? p[1] : p[0])
                        .put("CgroupPermissions", p.length > 2 ? p[2] : "rwm");
            }
        }
        if (o.memoryReservation != null) h.put("MemoryReservation", Units.ramInBytes(o.memoryReservation));
        if (o.memorySwap != null) h.put("MemorySwap", o.memorySwap.equals("-1") ? -1 : Units.ramInBytes(o.memorySwap));
        if (o.memorySwappiness != null && o.memorySwappiness != -1) h.put("MemorySwappiness", o.memorySwappiness);
        if (o.oomKillDisable) h.put("OomKillDisable", true);
        if (o.pidsLimit != null) h.put("PidsLimit", o.pidsLimit);
        if (!o.ulimit.isEmpty()) {
            ArrayNode u = h.putArray("Ulimits");
            for (String s : o.ulimit) u.add(ulimit(s));
        }
        return h;
    }

    static ObjectNode restartPolicy(String s) {
        ObjectNode r = new ObjectNode();
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        switch (name) {
            case "no", "always", "unless-stopped", "on-failure" -> r.put("Name", name);
            default -> throw new IllegalArgumentException("invalid restart policy: unknown policy '" + name
                    + "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        }
        int max = 0;
        if (colon >= 0) {
            if (!name.equals("on-failure")) throw new IllegalArgumentException("invalid restart policy: maximum retry count can only be used with 'on-failure'");
            try {
                max = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid restart policy format: maximum retry count must be an integer");
            }
        }
        r.put("MaximumRetryCount", max);
        return r;
    }

    /** {@code nofile=1024[:2048]}: soft and hard limits. */
    static ObjectNode ulimit(String s) {
        int eq = s.indexOf('=');
        if (eq < 0) throw new IllegalArgumentException("invalid ulimit argument: " + s);
        String[] v = s.substring(eq + 1).split(":");
        try {
            long soft = Long.parseLong(v[0]);
            long hard = v.length > 1 ? Long.parseLong(v[1]) : soft;
            if (soft > hard) throw new IllegalArgumentException("ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard);
            return new ObjectNode().put("Name", s.substring(0, eq)).put("Hard", hard).put("Soft", soft);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid ulimit argument: " + s);
        }
    }

    private static void putKv(Map<String, String> m, String kv) {
        int eq = kv.indexOf('=');
        if (eq < 0) m.put(kv, "");
        else m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    private static void putIf(ObjectNode n, String key, String value) {
        if (value != null) n.put(key, value);
    }

    private static void putStrings(ObjectNode n, String key, List<String> values) {
        if (values.isEmpty()) return;
        ArrayNode a = n.putArray(key);
        for (String v : values) a.add(v);
    }
}
