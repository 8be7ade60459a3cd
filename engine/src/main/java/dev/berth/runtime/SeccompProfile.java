package dev.berth.runtime;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seccomp profile in Docker's format (the one Debian's containers-common ships as
 * /usr/share/containers/seccomp.json, and the one {@code --security-opt seccomp=file.json} takes),
 * turned into the OCI spec's {@code linux.seccomp} for one container: each rule is kept or dropped
 * by its includes/excludes on the container's capabilities and the host's architecture, as Docker
 * does, so adding CAP_SYS_ADMIN also allows mount, unshare and friends.
 */
public final class SeccompProfile {
    public static final Path DEFAULT_PATH = Path.of("/usr/share/containers/seccomp.json");

    /** Go's architecture names (used in includes/excludes) to libseccomp's. */
    private static final Map<String, String> SCMP_ARCH = Map.of(
            "amd64", "SCMP_ARCH_X86_64", "arm64", "SCMP_ARCH_AARCH64", "ppc64le", "SCMP_ARCH_PPC64LE",
            "s390x", "SCMP_ARCH_S390X", "riscv64", "SCMP_ARCH_RISCV64", "arm", "SCMP_ARCH_ARM", "386", "SCMP_ARCH_X86");

    private final JsonNode profile;

    private SeccompProfile(JsonNode profile) {
        this.profile = profile;
    }

    /** Parses a profile; a malformed one is the client's error, as in Docker. */
    public static SeccompProfile parse(String json) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(json);
        } catch (RuntimeException e) {
            throw EngineException.invalid("Decoding seccomp profile failed: %s", e.getMessage());
        }
        if (n == null || !n.isObject() || !n.path("defaultAction").isString()) {
            throw EngineException.invalid("Decoding seccomp profile failed: no defaultAction");
        }
        return new SeccompProfile(n);
    }

    /** The profile at {@code path}, or empty when the file is absent (the host has no containers-common). */
    public static Optional<SeccompProfile> load(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        return Optional.of(parse(Files.readString(path)));
    }

    /** {@code linux.seccomp} for a container holding {@code caps} on a host of Go architecture {@code goArch}. */
    public ObjectNode toOci(Collection<String> caps, String goArch) {
        ObjectNode out = Json.object();
        out.put("defaultAction", profile.path("defaultAction").asString());
        if (profile.has("defaultErrnoRet")) {
            out.put("defaultErrnoRet", profile.path("defaultErrnoRet").asInt());
        }
        ArrayNode arches = out.putArray("architectures");
        if (profile.path("architectures").isArray() && !profile.path("architectures").isEmpty()) {
            profile.path("architectures").forEach(a -> arches.add(a.asString()));
        } else {
            String native_ = SCMP_ARCH.getOrDefault(goArch, "");
            for (JsonNode m : profile.path("archMap")) {
                if (m.path("architecture").asString().equals(native_)) {
                    arches.add(native_);
                    m.path("subArchitectures").forEach(a -> arches.add(a.asString()));
                }
            }
        }
        for (String key : new String[] {"flags", "listenerPath", "listenerMetadata"}) {
            if (profile.has(key)) {
                out.set(key, profile.get(key).deepCopy());
            }
        }
        ArrayNode syscalls = out.putArray("syscalls");
        for (JsonNode rule : profile.path("syscalls")) {
            if (!applies(rule, caps, goArch)) {
                continue;
            }
            ObjectNode r = syscalls.addObject();
            ArrayNode names = r.putArray("names");
            rule.path("names").forEach(nm -> names.add(nm.asString()));
            if (rule.path("name").isString()) {
                names.add(rule.path("name").asString()); // the old single-name form
            }
            r.put("action", rule.path("action").asString());
            if (rule.has("errnoRet")) {
                r.put("errnoRet", rule.path("errnoRet").asInt());
            }
            if (rule.path("args").isArray() && !rule.path("args").isEmpty()) {
                ArrayNode args = r.putArray("args");
                for (JsonNode a : rule.path("args")) {
                    ObjectNode arg = args.addObject();
                    arg.put("index", a.path("index").asInt());
                    arg.put("value", a.path("value").asLong());
                    if (a.path("valueTwo").asLong(0) != 0) {
                        arg.put("valueTwo", a.path("valueTwo").asLong());
                    }
                    arg.put("op", a.path("op").asString());
                }
            }
        }
        return out;
    }

    private static boolean applies(JsonNode rule, Collection<String> caps, String goArch) {
        JsonNode inc = rule.path("includes");
        JsonNode exc = rule.path("excludes");
        if (!inc.path("arches").isEmpty() && !contains(inc.path("arches"), goArch)) {
            return false;
        }
        for (JsonNode cap : inc.path("caps")) {
            if (!caps.contains(cap.asString())) {
                return false;
            }
        }
        if (contains(exc.path("arches"), goArch)) {
            return false;
        }
        for (JsonNode cap : exc.path("caps")) {
            if (caps.contains(cap.asString())) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) {
            if (v.asString().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
