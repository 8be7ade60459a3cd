package dev.berth.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the container engine asks of the runtime, in engine terms; {@link SpecGenerator} turns it
 * into an OCI config.json with Docker's defaults.
 */
public record RuntimeSpec(
        String id,
        Path rootfs,
        boolean readonlyRootfs,
        String hostname,
        List<String> args,
        List<String> env,
        String cwd,
        int uid,
        int gid,
        List<Integer> additionalGids,
        boolean terminal,
        boolean privileged,
        List<String> capAdd,
        List<String> capDrop,
        List<BindMount> binds,
        String cgroupsPath,
        Resources resources,
        Map<String, String> sysctls,
        long shmSizeBytes,
        /** The seccomp profile to apply; empty for unconfined (privileged or seccomp=unconfined). */
        java.util.Optional<SeccompProfile> seccomp) {

    /** A bind mount of a host path (files berth writes such as /etc/hosts, volumes later). */
    public record BindMount(Path source, String destination, boolean readOnly) {}

    /** cgroup limits; zero means unlimited. */
    public record Resources(long memoryBytes, long memorySwapBytes, long cpuShares, long cpuQuota, long cpuPeriod,
                            String cpusetCpus, long pidsLimit, long blkioWeight) {
        public static final Resources NONE = new Resources(0, 0, 0, 0, 0, "", 0, 0);
    }
}
