package dev.berth.cli.container;

import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Verb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code port}: published ports from inspect's NetworkSettings.Ports. */
@Command(name = "port", description = "List port mappings or a specific mapping for the container")
public final class PortCommand extends Verb {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1", arity = "0..1", paramLabel = "PRIVATE_PORT[/PROTO]") String privatePort;

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
