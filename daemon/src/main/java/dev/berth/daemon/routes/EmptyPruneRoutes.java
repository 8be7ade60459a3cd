package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.common.Json;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * The prunes of what berth has none of yet: networks (containers get loopback only until the
 * networking work) and named volumes. They delete nothing, truthfully, and say so in Docker's
 * shape. Testcontainers prunes both when its JVM exits; a 404 failed its shutdown hook.
 */
public final class EmptyPruneRoutes {
    private static final Set<String> NETWORK_FILTERS = Set.of("until", "label", "label!");
    private static final Set<String> VOLUME_FILTERS = Set.of("label", "label!", "all");

    public void register(Router r) {
        r.post("/networks/prune", ex -> prune(ex, NETWORK_FILTERS, "NetworksDeleted", false));
        r.post("/volumes/prune", ex -> prune(ex, VOLUME_FILTERS, "VolumesDeleted", true));
    }

    private static void prune(Exchange ex, Set<String> filters, String deletedField, boolean reportsSpace) {
        // the filters Docker takes, checked as Docker does (an unknown one is a 400)
        Filters.parse(ex.query("filters").orElse(null), filters);
        ObjectNode reply = Json.object();
        reply.putArray(deletedField);
        if (reportsSpace) {
            reply.put("SpaceReclaimed", 0);
        }
        ex.respondJson(200, reply);
    }
}
