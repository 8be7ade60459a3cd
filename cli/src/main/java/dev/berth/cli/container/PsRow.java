package dev.berth.cli.container;

import dev.berth.cli.format.TemplateRow;
import dev.berth.cli.format.Units;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import dev.berth.common.json.JsonNode;

/** One {@code ps} row: docker/cli's ContainerContext over a /containers/json entry. */
public final class PsRow implements TemplateRow {
    public static final Map<String, String> HEADERS = Map.ofEntries(
            Map.entry("ID", "CONTAINER ID"), Map.entry("Image", "IMAGE"), Map.entry("Command", "COMMAND"),
            Map.entry("CreatedAt", "CREATED AT"), Map.entry("RunningFor", "CREATED"), Map.entry("Ports", "PORTS"),
            Map.entry("State", "STATE"), Map.entry("Status", "STATUS"), Map.entry("Size", "SIZE"),
            Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"), Map.entry("Label", "LABEL"),
            Map.entry("Mounts", "MOUNTS"), Map.entry("Networks", "NETWORKS"), Map.entry("LocalVolumes", "LOCAL VOLUMES"),
            Map.entry("Platform", "PLATFORM"));

    private final JsonNode c;
    private final boolean trunc;
    private final Instant now;
    /** Asked for only by CreatedAt: looking the zone up reads the tz database (~3 ms of a ps). */
    private final Supplier<ZoneId> zone;

    public PsRow(JsonNode c, boolean trunc, Instant now, Supplier<ZoneId> zone) {
        this.c = c;
        this.trunc = trunc;
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Object field(String name, List<Object> args) {
        if (name.equals("Label")) {
            if (args.size() != 1) throw new dev.berth.cli.format.TemplateException("wrong number of args for Label: want 1 got " + args.size());
            return c.path("Labels").path(String.valueOf(args.getFirst())).asString("");
        }
        if (!args.isEmpty()) return MISSING;
        return switch (name) {
            case "ID" -> id();
            case "Image" -> image();
            case "Command" -> command();
            case "CreatedAt" -> createdAt();
            case "RunningFor" -> Units.humanDuration(Duration.between(Instant.ofEpochSecond(c.path("Created").asLong()), now)) + " ago";
            case "Ports" -> ports(c.path("Ports"));
            case "State" -> c.path("State").asString("");
            case "Status" -> c.path("Status").asString("");
            case "Size" -> size();
            case "Names" -> names();
            case "Labels" -> labels();
            case "Mounts" -> mounts();
            case "Networks" -> networks();
            case "LocalVolumes" -> Long.toString(localVolumes());
            case "Platform" -> "";
            default -> MISSING;
        };
    }

    @Override
    public Map<String, Object> jsonFields() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("Command", "CreatedAt", "ID", "Image", "Labels", "LocalVolumes", "Mounts", "Names",
                "Networks", "Ports", "RunningFor", "Size", "State", "Status")) {
            m.put(k, field(k, List.of()));
        }
        return m;
    }

    @Override
    public String typeName() {
        return "*formatter.ContainerContext";
    }

    String id() {
        String id = c.path("Id").asString("");
        return trunc && id.length() > 12 ? id.substring(0, 12) : id;
    }

    String image() {
        String image = c.path("Image").asString("");
        if (image.isEmpty()) return "<no image>";
        if (trunc) {
            if (image.startsWith("sha256:")) return image.substring(7, Math.min(image.length(), 19));
            int at = image.indexOf('@');
            if (at > 0) return image.substring(0, at);
        }
        return image;
    }

    String command() {
        String cmd = c.path("Command").asString("");
        if (trunc) cmd = ellipsis(cmd, 20);
        return dev.berth.cli.format.Functions.quote(cmd);
    }

    /** formatter.Ellipsis for single-width text: cut to max-1 characters plus "…". */
    static String ellipsis(String s, int max) {
        int n = s.codePointCount(0, s.length());
        if (n <= max) return s;
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    String createdAt() {
        return dev.berth.cli.format.GoTime.format(Instant.ofEpochSecond(c.path("Created").asLong()), zone.get());
    }

    String size() {
        long rw = c.path("SizeRw").asLong(0);
        long root = c.path("SizeRootFs").asLong(0);
        String s = Units.humanSizeWithPrecision(rw, 3);
        return root > 0 ? s + " (virtual " + Units.humanSizeWithPrecision(root, 3) + ")" : s;
    }

    String names() {
        List<String> names = new ArrayList<>();
        for (JsonNode n : c.path("Names")) {
            String s = n.asString("");
            names.add(s.startsWith("/") ? s.substring(1) : s);
        }
        if (trunc) {
            // Docker hides link names ("other/alias") unless --no-trunc.
            for (String n : names) if (!n.contains("/")) return n;
        }
        return String.join(",", names);
    }

    String labels() {
        List<String> out = new ArrayList<>();
        toMap(c.path("Labels"))
                .forEach((k, v) -> out.add(k + "=" + v));
        return String.join(",", out);
    }

    private static Map<String, String> toMap(JsonNode n) {
        Map<String, String> m = new TreeMap<>();
        if (n.isObject()) for (Map.Entry<String, JsonNode> e : n.properties()) m.put(e.getKey(), e.getValue().asString(""));
        return m;
    }

    String mounts() {
        List<String> out = new ArrayList<>();
        for (JsonNode m : c.path("Mounts")) {
            String name = m.path("Name").asString("");
            if (name.isEmpty()) name = m.path("Source").asString("");
            out.add(trunc ? ellipsis(name, 15) : name);
        }
        return String.join(",", out);
    }

    String networks() {
        TreeSet<String> out = new TreeSet<>();
        c.path("NetworkSettings").path("Networks").propertyNames().forEach(out::add);
        return String.join(",", out);
    }

    long localVolumes() {
        long n = 0;
        for (JsonNode m : c.path("Mounts")) if (m.path("Driver").asString("").equals("local")) n++;
        return n;
    }

    /**
     * Docker's DisplayablePorts, ported as is: ports published on the same number group into
     * ranges ("0.0.0.0:80-81->80-81/tcp"), others are listed one by one after the groups.
     */
    static String ports(JsonNode ports) {
        List<JsonNode> sorted = new ArrayList<>();
        ports.forEach(sorted::add);
        sorted.sort((a, b) -> {
            long pa = a.path("PrivatePort").asLong(), pb = b.path("PrivatePort").asLong();
            if (pa != pb) return Long.compare(pa, pb);
            int c = a.path("IP").asString("").compareTo(b.path("IP").asString(""));
            if (c != 0) return c;
            long qa = a.path("PublicPort").asLong(), qb = b.path("PublicPort").asLong();
            if (qa != qb) return Long.compare(qa, qb);
            return a.path("Type").asString("").compareTo(b.path("Type").asString(""));
        });
        Map<String, long[]> groups = new LinkedHashMap<>(); // key -> {first, last}
        List<String> result = new ArrayList<>();
        List<String> hostMappings = new ArrayList<>();
        for (JsonNode p : sorted) {
            long current = p.path("PrivatePort").asLong();
            String type = p.path("Type").asString("");
            String ip = p.path("IP").asString("");
            String key = type;
            if (!ip.isEmpty()) {
                long pub = p.path("PublicPort").asLong();
                if (pub != current) {
                    String host = ip.contains(":") ? "[" + ip + "]:" + pub : ip + ":" + pub;
                    hostMappings.add(host + "->" + current + "/" + type);
                    continue;
                }
                key = ip + "/" + type;
            }
            long[] g = groups.get(key);
            if (g == null) {
                groups.put(key, new long[] {current, current});
                continue;
            }
            if (current == g[1] + 1) {
                g[1] = current;
                continue;
            }
            result.add(formGroup(key, g[0], g[1]));
            groups.put(key, new long[] {current, current});
        }
        groups.forEach((k, g) -> result.add(formGroup(k, g[0], g[1])));
        result.addAll(hostMappings);
        return String.join(", ", result);
    }

    private static String formGroup(String key, long first, long last) {
        int slash = key.lastIndexOf('/');
        String ip = slash < 0 ? "" : key.substring(0, slash);
        String type = slash < 0 ? key : key.substring(slash + 1);
        String group = first == last ? Long.toString(first) : first + "-" + last;
        if (!ip.isEmpty()) group = ip + ":" + group + "->" + group;
        return group + "/" + type;
    }
}
