package dev.berth.daemon.routes;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Docker's {@code filters} query parameter: {"key":{"value":true}} or the old {"key":["value"]}. */
public final class Filters {
    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    public static Filters parse(String json, Set<String> accepted) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (json != null && !json.isBlank()) {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(json);
            } catch (RuntimeException e) {
                throw EngineException.invalid("invalid filter: %s", json);
            }
            for (var e : root.properties()) {
                if (!accepted.contains(e.getKey())) {
                    throw EngineException.invalid("invalid filter '%s'", e.getKey());
                }
                List<String> vals = new ArrayList<>();
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    v.forEach(x -> vals.add(x.asString()));
                } else if (v.isObject()) {
                    v.properties().forEach(x -> {
                        if (x.getValue().asBoolean(true)) {
                            vals.add(x.getKey());
                        }
                    });
                }
                m.put(e.getKey(), vals);
            }
        }
        return new Filters(m);
    }

    public Map<String, List<String>> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key) && !values.get(key).isEmpty();
    }

    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** label filters: "key" (present) or "key=value"; all must match. */
    public boolean labelsMatch(JsonNode labels) {
        for (String f : get("label")) {
            int eq = f.indexOf('=');
            String k = eq < 0 ? f : f.substring(0, eq);
            if (!labels.has(k)) {
                return false;
            }
            if (eq >= 0 && !labels.get(k).asString("").equals(f.substring(eq + 1))) {
                return false;
            }
        }
        return true;
    }
}
