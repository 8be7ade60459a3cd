package dev.berth.cli.image;

import dev.berth.cli.format.TemplateRow;
import dev.berth.cli.format.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.berth.common.json.JsonNode;

/** One {@code images} row: docker/cli's imageContext (one per repository:tag). */
public final class ImageRow implements TemplateRow {
    public static final Map<String, String> HEADERS = Map.of("Repository", "REPOSITORY", "Tag", "TAG", "Digest", "DIGEST",
            "ID", "IMAGE ID", "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE",
            "Containers", "CONTAINERS", "SharedSize", "SHARED SIZE", "UniqueSize", "UNIQUE SIZE");

    private final JsonNode i;
    private final String repo, tag, digest;
    private final boolean trunc;
    private final Instant now;
    private final ZoneId zone;

    ImageRow(JsonNode i, String repo, String tag, String digest, boolean trunc, Instant now, ZoneId zone) {
        this.i = i;
        this.repo = repo;
        this.tag = tag;
        this.digest = digest;
        this.trunc = trunc;
        this.now = now;
        this.zone = zone;
    }

    /** Rows for one image as Docker lists them: one per tag, else per digest, else "<none>". */
    static List<ImageRow> of(JsonNode image, boolean trunc, Instant now, ZoneId zone) {
        List<ImageRow> rows = new ArrayList<>();
        Map<String, String> digestByRepo = new LinkedHashMap<>();
        for (JsonNode d : image.path("RepoDigests")) {
            String s = d.asString("");
            int at = s.indexOf('@');
            if (at > 0 && !s.startsWith("<none>")) digestByRepo.putIfAbsent(s.substring(0, at), s.substring(at + 1));
        }
        for (JsonNode t : image.path("RepoTags")) {
            String s = t.asString("");
            if (s.equals("<none>:<none>")) continue;
            int colon = s.lastIndexOf(':');
            String repo = colon > s.lastIndexOf('/') ? s.substring(0, colon) : s;
            String tag = colon > s.lastIndexOf('/') ? s.substring(colon + 1) : "<none>";
            rows.add(new ImageRow(image, repo, tag, digestByRepo.getOrDefault(repo, "<none>"), trunc, now, zone));
        }
        if (rows.isEmpty()) {
            for (Map.Entry<String, String> e : digestByRepo.entrySet()) {
                rows.add(new ImageRow(image, e.getKey(), "<none>", e.getValue(), trunc, now, zone));
            }
        }
        if (rows.isEmpty()) rows.add(new ImageRow(image, "<none>", "<none>", "<none>", trunc, now, zone));
        return rows;
    }

    @Override
    public Object field(String name, List<Object> args) {
        if (!args.isEmpty()) return MISSING;
        return switch (name) {
            case "Repository" -> repo;
            case "Tag" -> tag;
            case "Digest" -> digest;
            case "ID" -> id();
            case "CreatedSince" -> {
                long created = i.path("Created").asLong(0);
                yield created <= 0 ? "N/A" : Units.humanDuration(Duration.between(Instant.ofEpochSecond(created), now)) + " ago";
            }
            case "CreatedAt" -> dev.berth.cli.format.GoTime.format(Instant.ofEpochSecond(i.path("Created").asLong()), zone);
            case "Size" -> Units.humanSizeWithPrecision(i.path("Size").asLong(0), 3);
            case "Containers" -> {
                long n = i.path("Containers").asLong(-1);
                yield n < 0 ? "N/A" : Long.toString(n);
            }
            case "VirtualSize" -> Units.humanSizeWithPrecision(i.path("VirtualSize").asLong(i.path("Size").asLong(0)), 3);
            case "SharedSize" -> {
                long n = i.path("SharedSize").asLong(-1);
                yield n < 0 ? "N/A" : Units.humanSizeWithPrecision(n, 3);
            }
            case "UniqueSize" -> {
                long s = i.path("SharedSize").asLong(-1);
                yield s < 0 ? "N/A" : Units.humanSizeWithPrecision(i.path("Size").asLong(0) - s, 3);
            }
            default -> MISSING;
        };
    }

    String id() {
        String id = i.path("Id").asString("");
        if (!trunc) return id;
        if (id.startsWith("sha256:")) id = id.substring(7);
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    @Override
    public Map<String, Object> jsonFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository", "SharedSize", "Size",
                "Tag", "UniqueSize", "VirtualSize")) {
            m.put(k, field(k, List.of()));
        }
        return m;
    }

    @Override
    public String typeName() {
        return "*formatter.imageContext";
    }
}
