package dev.berth.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** PATH lookup for the programs berth drives (conmon, crun, runc). */
public final class Executables {
    private Executables() {}

    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/usr/bin:/usr/libexec/podman").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
