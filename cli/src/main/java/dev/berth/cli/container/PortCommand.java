package dev.berth.cli.container;

import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/** {@code port}: published ports from inspect's NetworkSettings.Ports. */
public final class PortCommand extends Verb {
    String container;
    String privatePort;

    @Override
    protected void define(Spec s) {
        s.about("List port mappings or a specific mapping for the container");
        s.args("CONTAINER [PRIVATE_PORT[/PROTO]]", 1, 2, a -> { container = a.get(0); privatePort = a.size() > 1 ? a.get(1) : null; });
    }

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode ports = Containers.inspect(ctx, container).path("NetworkSettings").path("Ports");
        List<String> out = new ArrayList<>();
        if (privatePort != null) {
            String key = privatePort.contains("/") ? privatePort : privatePort + "/tcp";
            JsonNode b = ports.get(key);
            if (b == null || !b.isArray() || b.isEmpty()) {
                throw new CliException(1, "Error: No public port '" + key + "' published for " + container);
            }
            for (JsonNode m : b) out.add(hostPort(m));
        } else {
            for (Map.Entry<String, JsonNode> e : ports.properties()) {
                if (!e.getValue().isArray()) continue;
                for (JsonNode m : e.getValue()) out.add(e.getKey() + " -> " + hostPort(m));
            }
        }
        out.forEach(ctx.out()::println);
        return 0;
    }

    private static String hostPort(JsonNode m) {
        String ip = m.path("HostIp").asString("");
        String port = m.path("HostPort").asString("");
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
}
