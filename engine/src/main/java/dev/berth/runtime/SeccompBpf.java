package dev.berth.runtime;

import dev.berth.sys.Libseccomp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compiles a container's {@code linux.seccomp} once per distinct profile and hands crun the program
 * in the {@code run.oci.seccomp_bpf_data} annotation. crun (as packaged here, without its seccomp
 * cache) otherwise compiles Docker's ~400-rule profile on every create, ~20 ms of a ~28 ms
 * {@code crun run}. Same libseccomp, same calls: the program is the one crun would have built.
 */
public final class SeccompBpf {
    public static final String ANNOTATION = "run.oci.seccomp_bpf_data";
    private static final int CACHED_PROFILES = 16;

    /** Profile JSON to base64 program; a handful of distinct profiles at most in practice. */
    private static final Map<String, String> CACHE = new LinkedHashMap<>(CACHED_PROFILES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHED_PROFILES;
        }
    };

    private SeccompBpf() {}

    /**
     * Adds the compiled program of {@code oci}'s seccomp profile as an annotation. Leaves the spec
     * as it is when there is no profile, the caller set the annotation, or libseccomp can't compile
     * it (the runtime then compiles it and reports any error in its own words).
     */
    public static void precompile(ObjectNode oci) {
        JsonNode seccomp = oci.path("linux").path("seccomp");
        if (!seccomp.isObject() || oci.path("annotations").has(ANNOTATION) || !Libseccomp.available()) {
            return;
        }
        compiled(seccomp).ifPresent(bpf -> {
            ObjectNode annotations = oci.get("annotations") instanceof ObjectNode a ? a : oci.putObject("annotations");
            annotations.put(ANNOTATION, bpf);
        });
    }

    static Optional<String> compiled(JsonNode seccomp) {
        String key = seccomp.toString();
        synchronized (CACHE) {
            String hit = CACHE.get(key);
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        try {
            String bpf = Base64.getEncoder().encodeToString(Libseccomp.compile(filter(seccomp)));
            synchronized (CACHE) {
                CACHE.put(key, bpf);
            }
            return Optional.of(bpf);
        } catch (IOException | RuntimeException e) {
            System.err.println("berthd: seccomp profile left to the runtime to compile: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The OCI {@code linux.seccomp} object as libseccomp's filter description. */
    static Libseccomp.Filter filter(JsonNode s) {
        List<String> arches = new ArrayList<>();
        s.path("architectures").forEach(a -> arches.add(a.asString()));
        List<Libseccomp.Rule> rules = new ArrayList<>();
        for (JsonNode r : s.path("syscalls")) {
            List<String> names = new ArrayList<>();
            r.path("names").forEach(n -> names.add(n.asString()));
            List<Libseccomp.Arg> args = new ArrayList<>();
            for (JsonNode a : r.path("args")) {
                args.add(new Libseccomp.Arg(a.path("index").asInt(), a.path("value").asLong(), a.path("valueTwo").asLong(0),
                        a.path("op").asString()));
            }
            rules.add(new Libseccomp.Rule(names, r.path("action").asString(), optionalInt(r, "errnoRet"), args));
        }
        return new Libseccomp.Filter(s.path("defaultAction").asString(), optionalInt(s, "defaultErrnoRet"), arches, rules);
    }

    private static Optional<Integer> optionalInt(JsonNode n, String field) {
        return n.has(field) ? Optional.of(n.path(field).asInt()) : Optional.empty();
    }
}
