package dev.berth.container;

import dev.berth.common.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Resolves Docker's {@code -u user[:group]} against the container's /etc/passwd and /etc/group. */
final class UserResolver {
    record User(int uid, int gid, List<Integer> additionalGids, String home) {}

    private UserResolver() {}

    static User resolve(Path rootfs, String spec) {
        String userPart = spec == null || spec.isEmpty() ? "0" : spec;
        String groupPart = null;
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = userPart.substring(colon + 1);
            userPart = userPart.substring(0, colon);
        }
        List<String[]> passwd = read(rootfs, "/etc/passwd");
        List<String[]> groups = read(rootfs, "/etc/group");
        int uid;
        int gid = 0;
        String home = "/";
        String[] entry = null;
        if (userPart.matches("\\d+")) {
            uid = Integer.parseInt(userPart);
            for (String[] p : passwd) {
                if (p.length > 3 && p[2].equals(userPart)) {
                    entry = p;
                    break;
                }
            }
        } else {
            for (String[] p : passwd) {
                if (p.length > 3 && p[0].equals(userPart)) {
                    entry = p;
                    break;
                }
            }
            if (entry == null) {
                throw EngineException.invalid("unable to find user %s: no matching entries in passwd file", userPart);
            }
            uid = Integer.parseInt(entry[2]);
        }
        if (entry != null) {
            gid = Integer.parseInt(entry[3]);
            home = entry.length > 5 && !entry[5].isEmpty() ? entry[5] : "/";
        } else if (uid == 0) {
            home = "/root";
        }
        if (groupPart != null) {
            if (groupPart.matches("\\d+")) {
                gid = Integer.parseInt(groupPart);
            } else {
                String g = groupPart;
                gid = groups.stream().filter(p -> p.length > 2 && p[0].equals(g)).map(p -> Integer.parseInt(p[2]))
                        .findFirst().orElseThrow(() -> EngineException.invalid(
                                "unable to find group %s: no matching entries in group file", g));
            }
        }
        List<Integer> extra = new ArrayList<>();
        String name = entry != null ? entry[0] : null;
        if (name != null && groupPart == null) {
            for (String[] g : groups) {
                if (g.length > 3 && List.of(g[3].split(",")).contains(name)) {
                    int id = Integer.parseInt(g[2]);
                    if (id != gid) {
                        extra.add(id);
                    }
                }
            }
        }
        return new User(uid, gid, extra, home);
    }

    /** A file of the container's, its symbolic links resolved inside the rootfs (never the host's files). */
    private static List<String[]> read(Path rootfs, String path) {
        try {
            Path file = dev.berth.common.RootedPath.resolve(rootfs, path);
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
