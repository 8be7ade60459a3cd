package dev.berth.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.common.EngineException;
import java.util.List;
import java.util.Locale;

/**
 * An OCI platform ({@code os/architecture[/variant]}), normalized as containerd's platforms
 * package does ({@code x86_64} is {@code amd64}, {@code aarch64} is {@code arm64}, arm64's default
 * variant is {@code v8}, arm's is {@code v7}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Platform(
        @JsonProperty("architecture") String architecture,
        @JsonProperty("os") String os,
        @JsonProperty("os.version") String osVersion,
        @JsonProperty("os.features") List<String> osFeatures,
        @JsonProperty("variant") String variant) {

    public static Platform of(String os, String arch, String variant) {
        return new Platform(arch, os, null, null, variant);
    }

    /** The platform of this machine (linux and the JVM's architecture). */
    public static Platform host() {
        return of("linux", normalizeArch(System.getProperty("os.arch")), null).normalized();
    }

    /**
     * Parses {@code linux/amd64}, {@code linux/arm64/v8}, {@code arm64} (os linux) as
     * {@code docker --platform} does.
     *
     * @throws EngineException INVALID_ARGUMENT for a malformed specifier
     */
    public static Platform parse(String spec) {
        String[] p = spec.trim().toLowerCase(Locale.ROOT).split("/", -1);
        for (String s : p) {
            if (s.isEmpty()) {
                throw EngineException.invalid("\"%s\": invalid platform format", spec);
            }
        }
        return switch (p.length) {
            case 1 -> p[0].equals("linux") || p[0].equals("windows") || p[0].equals("darwin")
                    ? of(p[0], host().architecture(), null).normalized()
                    : of("linux", normalizeArch(p[0]), null).normalized();
            case 2 -> of(p[0], normalizeArch(p[1]), null).normalized();
            case 3 -> of(p[0], normalizeArch(p[1]), p[2]).normalized();
            default -> throw EngineException.invalid("\"%s\": invalid platform format", spec);
        };
    }

    static String normalizeArch(String arch) {
        return switch (arch) {
            case "x86_64", "x86-64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "armhf", "armel", "arm" -> "arm";
            case "i386", "i686", "386" -> "386";
            default -> arch;
        };
    }

    /** Fills in default variants (arm64 → v8, arm → v7) and lower-cases. */
    public Platform normalized() {
        String arch = architecture == null ? "" : normalizeArch(architecture.toLowerCase(Locale.ROOT));
        String v = variant == null || variant.isEmpty() ? null : variant.toLowerCase(Locale.ROOT);
        if (arch.equals("arm64") && v == null) {
            v = "v8";
        } else if (arch.equals("arm") && v == null) {
            v = "v7";
        } else if (arch.equals("amd64") && "v1".equals(v)) {
            v = null;
        }
        return new Platform(arch, os == null ? "" : os.toLowerCase(Locale.ROOT), osVersion, osFeatures, v);
    }

    /** True if an image for {@code candidate} runs as {@code this} asks (same os, arch and variant). */
    public boolean matches(Platform candidate) {
        Platform a = normalized();
        Platform b = candidate.normalized();
        return a.os.equals(b.os) && a.architecture.equals(b.architecture)
                && (a.variant == null || a.variant.equals(b.variant));
    }

    /** As Docker prints a platform (containerd's Normalize, then FormatAll): arm64's default variant v8 not shown. */
    public String formatted() {
        Platform n = normalized();
        String v = n.architecture.equals("arm64") && "v8".equals(n.variant) ? null : n.variant;
        return n.os + "/" + n.architecture + (v == null ? "" : "/" + v);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
