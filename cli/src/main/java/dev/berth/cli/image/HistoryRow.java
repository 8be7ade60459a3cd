package dev.berth.cli.image;

import dev.berth.cli.format.TemplateRow;
import dev.berth.cli.format.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/** One {@code history} row: docker/cli's historyContext. */
public final class HistoryRow implements TemplateRow {
    public static final Map<String, String> HEADERS = Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
            "CreatedAt", "CREATED AT", "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT");
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private final JsonNode h;
    private final boolean trunc;
    private final boolean human;
    private final Instant now;
    private final ZoneId zone;

    HistoryRow(JsonNode h, boolean trunc, boolean human, Instant now, ZoneId zone) {
        this.h = h;
        this.trunc = trunc;
        this.human = human;
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Object field(String name, List<Object> args) {
        if (!args.isEmpty()) return MISSING;
        Instant created = Instant.ofEpochSecond(h.path("Created").asLong(0));
        return switch (name) {
            case "ID" -> {
                String id = h.path("Id").asString("");
                if (!trunc) yield id;
                int colon = id.indexOf(':');
                if (colon >= 0) id = id.substring(colon + 1);
                yield id.length() > 12 ? id.substring(0, 12) : id;
            }
            case "CreatedSince" -> human
                    ? Units.humanDuration(Duration.between(created, now)) + " ago"
                    : RFC3339.format(created.atZone(zone));
            case "CreatedAt" -> RFC3339.format(created.atZone(zone));
            case "CreatedBy" -> {
                String by = h.path("CreatedBy").asString("").replace("\t", " ");
                yield trunc ? ellipsis(by, 45) : by;
            }
            case "Size" -> human ? Units.humanSizeWithPrecision(h.path("Size").asLong(0), 3)
                    : Long.toString(h.path("Size").asLong(0));
            case "Comment" -> h.path("Comment").asString("");
            default -> MISSING;
        };
    }

    /** formatter.Ellipsis for single-width text: cut to max-1 characters plus "…". */
    static String ellipsis(String s, int max) {
        int n = s.codePointCount(0, s.length());
        if (n <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    @Override
    public Map<String, Object> jsonFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size")) {
            m.put(k, field(k, List.of()));
        }
        return m;
    }

    @Override
    public String typeName() {
        return "*formatter.historyContext";
    }
}
