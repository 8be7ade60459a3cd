package dev.berth.daemon.routes;

import dev.berth.common.Json;
import dev.berth.container.Container;
import dev.berth.container.ContainerService;
import dev.berth.container.ContainerState;
import dev.berth.container.DockerTime;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Translates containers to the Docker API's ContainerSummary and ContainerInspectResponse shapes. */
final class ContainerViews {
    private final ContainerService containers;

    ContainerViews(ContainerService containers) {
        this.containers = containers;
    }

    ObjectNode summary(Container c, Instant now, boolean size) {
        ObjectNode o = Json.object();
        o.put("Id", c.id());
        o.putArray("Names").add("/" + c.name());
        o.put("Image", c.config().path("Image").asString(""));
        o.put("ImageID", c.imageId());
        o.put("Command", command(c));
        o.put("Created", c.created().getEpochSecond());
        o.putArray("Ports");
        if (size) {
            o.put("SizeRw", DiskUsage.of(containers.upperDir(c)));
            o.put("SizeRootFs", 0);
        }
        o.set("Labels", c.config().path("Labels").isObject() ? c.config().get("Labels").deepCopy() : Json.object());
        o.put("State", c.state().status().word());
        o.put("Status", StatusText.of(c.state(), now));
        o.putObject("HostConfig").put("NetworkMode", c.hostConfig().path("NetworkMode").asString("bridge"));
        o.putObject("NetworkSettings").putObject("Networks");
        o.putArray("Mounts");
        return o;
    }

    static String command(Container c) {
        StringBuilder sb = new StringBuilder(c.path());
        for (String a : c.args()) {
            sb.append(' ').append(a);
        }
        return sb.toString();
    }

    ObjectNode inspect(Container c, boolean size, List<String> execIds) {
        ObjectNode o = Json.object();
        o.put("Id", c.id());
        o.put("Created", DockerTime.format(c.created()));
        o.put("Path", c.path());
        ArrayNode args = o.putArray("Args");
        c.args().forEach(args::add);
        ContainerState s = c.state();
        ObjectNode st = o.putObject("State");
        st.put("Status", s.status().word());
        st.put("Running", s.running() && s.status() != ContainerState.Status.RESTARTING);
        st.put("Paused", s.status() == ContainerState.Status.PAUSED);
        st.put("Restarting", s.status() == ContainerState.Status.RESTARTING);
        st.put("OOMKilled", s.oomKilled());
        st.put("Dead", s.status() == ContainerState.Status.DEAD);
        st.put("Pid", s.pid());
        st.put("ExitCode", s.exitCode());
        st.put("Error", s.error() == null ? "" : s.error());
        st.put("StartedAt", DockerTime.format(s.startedAt()));
        st.put("FinishedAt", DockerTime.format(s.finishedAt()));
        o.put("Image", c.imageId());
        var dir = containers.containerDir(c);
        o.put("ResolvConfPath", dir.resolve("resolv.conf").toString());
        o.put("HostnamePath", dir.resolve("hostname").toString());
        o.put("HostsPath", dir.resolve("hosts").toString());
        o.put("LogPath", containers.logPath(c).toString());
        o.put("Name", "/" + c.name());
        o.put("RestartCount", c.restartCount());
        o.put("Driver", "overlay2");
        o.put("Platform", "linux");
        o.put("MountLabel", "");
        o.put("ProcessLabel", "");
        o.put("AppArmorProfile", "");
        if (execIds.isEmpty()) {
            o.putNull("ExecIDs");
        } else {
            ArrayNode ex = o.putArray("ExecIDs");
            execIds.forEach(ex::add);
        }
        o.set("HostConfig", c.hostConfig().deepCopy());
        ObjectNode gd = o.putObject("GraphDriver");
        gd.put("Name", "overlay2");
        ObjectNode data = gd.putObject("Data");
        data.put("MergedDir", containers.rootfsPath(c).toString());
        data.put("UpperDir", containers.upperDir(c).toString());
        data.put("WorkDir", dir.resolve("work").toString());
        if (size) {
            o.put("SizeRw", DiskUsage.of(containers.upperDir(c)));
            o.put("SizeRootFs", 0);
        }
        o.putArray("Mounts");
        o.set("Config", c.config().deepCopy());
        ObjectNode ns = o.putObject("NetworkSettings");
        ns.put("Bridge", "");
        ns.put("SandboxID", "");
        ns.putObject("Ports");
        ns.put("SandboxKey", "");
        ns.putObject("Networks");
        return o;
    }
}
