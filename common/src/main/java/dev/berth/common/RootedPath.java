package dev.berth.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a container's root filesystem as the container would see it: symbolic
 * links are followed, but an absolute target or a {@code ..} starts again from, and never climbs
 * above, the root. So an image whose /etc/passwd links to /etc/shadow makes berth read the
 * image's shadow file, never the host's.
 */
public final class RootedPath {
    private static final int MAX_LINKS = 40; // Linux's limit

    private RootedPath() {}

    public static Path resolve(Path root, String path) throws IOException {
        Deque<String> todo = new ArrayDeque<>(parts(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path current = join(root, done).resolve(part);
            if (Files.isSymbolicLink(current)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links: " + path);
                }
                String target = Files.readSymbolicLink(current).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> t = parts(target);
                for (int i = t.size() - 1; i >= 0; i--) {
                    todo.addFirst(t.get(i));
                }
            } else {
                done.add(part);
            }
        }
        return join(root, done);
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    private static List<String> parts(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) {
                out.add(s);
            }
        }
        return out;
    }
}
