package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code config} object of an image configuration: the defaults a container inherits. Field
 * names are Docker's (capitalised). Maps whose values Docker writes as {@code {}} (ExposedPorts,
 * Volumes) hold empty maps. Absent values are null, as in Docker's JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerConfig(
        @JsonProperty("User") String user,
        @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
        @JsonProperty("Env") List<String> env,
        @JsonProperty("Entrypoint") List<String> entrypoint,
        @JsonProperty("Cmd") List<String> cmd,
        @JsonProperty("Volumes") Map<String, Object> volumes,
        @JsonProperty("WorkingDir") String workingDir,
        @JsonProperty("Labels") Map<String, String> labels,
        @JsonProperty("StopSignal") String stopSignal,
        @JsonProperty("Healthcheck") HealthConfig healthcheck,
        @JsonProperty("OnBuild") List<String> onBuild,
        @JsonProperty("Shell") List<String> shell,
        @JsonProperty("ArgsEscaped") Boolean argsEscaped) {

    public static final ContainerConfig EMPTY =
            new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** A mutable copy, for code that applies a sequence of changes (import --change, build). */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Docker's HealthConfig; durations are nanoseconds. */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    public record HealthConfig(
            @JsonProperty("Test") List<String> test,
            @JsonProperty("Interval") long interval,
            @JsonProperty("Timeout") long timeout,
            @JsonProperty("StartPeriod") long startPeriod,
            @JsonProperty("StartInterval") long startInterval,
            @JsonProperty("Retries") int retries) {}

    /** Mutable twin of the record; {@link #build()} freezes it. */
    public static final class Builder {
        public String user;
        public Map<String, Object> exposedPorts;
        public List<String> env;
        public List<String> entrypoint;
        public List<String> cmd;
        public Map<String, Object> volumes;
        public String workingDir;
        public Map<String, String> labels;
        public String stopSignal;
        public HealthConfig healthcheck;
        public List<String> onBuild;
        public List<String> shell;
        public Boolean argsEscaped;

        Builder(ContainerConfig c) {
            user = c.user;
            exposedPorts = copy(c.exposedPorts);
            env = c.env == null ? null : new java.util.ArrayList<>(c.env);
            entrypoint = c.entrypoint;
            cmd = c.cmd;
            volumes = copy(c.volumes);
            workingDir = c.workingDir;
            labels = copy(c.labels);
            stopSignal = c.stopSignal;
            healthcheck = c.healthcheck;
            onBuild = c.onBuild == null ? null : new java.util.ArrayList<>(c.onBuild);
            shell = c.shell;
            argsEscaped = c.argsEscaped;
        }

        private static <V> Map<String, V> copy(Map<String, V> m) {
            return m == null ? null : new LinkedHashMap<>(m);
        }

        public ContainerConfig build() {
            return new ContainerConfig(user, exposedPorts, env, entrypoint, cmd, volumes, workingDir, labels,
                    stopSignal, healthcheck, onBuild, shell, argsEscaped);
        }
    }
}
