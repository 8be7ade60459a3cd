package dev.berth.cli.container;

import dev.berth.cli.format.Units;
import java.util.Locale;
import dev.berth.common.json.ObjectNode;

/** Docker's --mount CSV ({@code type=bind,source=/a,target=/b,readonly}) as a HostConfig.Mounts entry. */
public final class MountSpec {
    private MountSpec() {}

    public static ObjectNode parse(String spec) {
        ObjectNode m = new ObjectNode();
        String type = "volume";
        for (String field : spec.split(",")) {
            int eq = field.indexOf('=');
            String key = (eq < 0 ? field : field.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String val = eq < 0 ? null : field.substring(eq + 1);
            switch (key) {
                case "type" -> type = req(val, key);
                case "source", "src" -> m.put("Source", req(val, key));
                case "target", "destination", "dst" -> m.put("Target", req(val, key));
                case "readonly", "ro" -> m.put("ReadOnly", val == null || bool(val, key));
                case "consistency" -> m.put("Consistency", req(val, key));
                case "bind-propagation" -> m.withObject("/BindOptions").put("Propagation", req(val, key));
                case "bind-recursive" -> m.withObject("/BindOptions").put("ReadOnlyNonRecursive", "readonly".equals(val));
                case "volume-nocopy" -> m.withObject("/VolumeOptions").put("NoCopy", val == null || bool(val, key));
                case "volume-subpath" -> m.withObject("/VolumeOptions").put("Subpath", req(val, key));
                case "volume-driver" -> m.withObject("/VolumeOptions").withObject("/DriverConfig").put("Name", req(val, key));
                case "volume-label" -> {
                    String kv = req(val, key);
                    int e2 = kv.indexOf('=');
                    m.withObject("/VolumeOptions").withObject("/Labels").put(e2 < 0 ? kv : kv.substring(0, e2), e2 < 0 ? "" : kv.substring(e2 + 1));
                }
                case "volume-opt" -> {
                    String kv = req(val, key);
                    int e2 = kv.indexOf('=');
                    m.withObject("/VolumeOptions").withObject("/DriverConfig").withObject("/Options")
                            .put(e2 < 0 ? kv : kv.substring(0, e2), e2 < 0 ? "" : kv.substring(e2 + 1));
                }
                case "tmpfs-size" -> m.withObject("/TmpfsOptions").put("SizeBytes", Units.ramInBytes(req(val, key)));
                case "tmpfs-mode" -> m.withObject("/TmpfsOptions").put("Mode", Integer.parseInt(req(val, key), 8));
                default -> throw new IllegalArgumentException("invalid argument \"" + spec + "\" for \"--mount\" flag: unexpected key '" + key + "' in '" + field + "'");
            }
        }
        if (!m.has("Target")) throw new IllegalArgumentException("invalid argument \"" + spec + "\" for \"--mount\" flag: target is required");
        ObjectNode out = new ObjectNode().put("Type", type);
        out.setAll(m);
        return out;
    }

    private static String req(String v, String key) {
        if (v == null) throw new IllegalArgumentException("invalid field '" + key + "' must be a key=value pair");
        return v;
    }

    private static boolean bool(String v, String key) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new IllegalArgumentException("invalid value for " + key + ": " + v);
        };
    }
}
