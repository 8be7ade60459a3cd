package dev.berth.archive;

import dev.berth.sys.FileSyscalls;
import dev.berth.sys.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes an unpacked overlayfs layer directory as an OCI layer tar, as Docker's overlay2 driver
 * does: whiteout devices (char 0:0) become {@code .wh.<name>} files and opaque directories
 * ({@code trusted.overlay.opaque=y}) get a {@code .wh..wh..opq} entry. Owners, modes, mtimes,
 * device numbers and hard links are kept; of the extended attributes only
 * {@code security.capability} is, as in Docker (go-archive records no others). Entries are in
 * lexical order, so the same tree always gives the same bytes. The one re-archiver of layers:
 * save and push use it for a layer whose original tar cannot be rebuilt (no tar-split metadata,
 * or a tree that no longer matches it).
 */
public final class LayerTar {
    private static final String CAPABILITY = "security.capability";
    private static final String OVERLAY_OPAQUE = "trusted.overlay.opaque";

    private LayerTar() {}

    /** Writes the tree under {@code diffDir} (not the directory itself) to {@code out}, and the end marker. */
    public static void write(Path diffDir, OutputStream out) throws IOException {
        TarWriter tar = new TarWriter(out);
        new Walk(tar).dir(diffDir, "");
        tar.finish();
    }

    private record Inode(long dev, long ino) {}

    private static final class Walk {
        private final TarWriter tar;
        private final Map<Inode, String> links = new HashMap<>();

        Walk(TarWriter tar) {
            this.tar = tar;
        }

        void dir(Path dir, String prefix) throws IOException {
            List<Path> children = new ArrayList<>();
            try (var s = Files.newDirectoryStream(dir)) {
                s.forEach(children::add);
            }
            children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            for (Path p : children) {
                entry(p, prefix + p.getFileName());
            }
        }

        private void entry(Path p, String name) throws IOException {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,nlink,rdev,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (int) a.get("mode");
            int uid = (int) a.get("uid");
            int gid = (int) a.get("gid");
            long mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
            int type = mode & 0170000;
            int perm = mode & 07777;
            Map<String, byte[]> xattrs = new LinkedHashMap<>();
            if (type != 0120000) {
                xattr(p, CAPABILITY).ifPresent(v -> xattrs.put(CAPABILITY, v));
            }
            switch (type) {
                case 0040000 -> {
                    tar.add(entry(name + "/", TarEntry.DIR, perm, uid, gid, 0, mtime, "", 0, 0, xattrs), null);
                    if (xattr(p, OVERLAY_OPAQUE).map(v -> v.length == 1 && v[0] == 'y').orElse(false)) {
                        tar.add(entry(name + "/.wh..wh..opq", TarEntry.REGULAR, 0, uid, gid, 0, mtime, "", 0, 0,
                                Map.of()), InputStream.nullInputStream());
                    }
                    dir(p, name + "/");
                }
                case 0100000 -> {
                    long nlink = ((Number) a.get("nlink")).longValue();
                    if (nlink > 1) {
                        Inode id = new Inode(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
                        String first = links.putIfAbsent(id, name);
                        if (first != null) {
                            tar.add(entry(name, TarEntry.HARDLINK, perm, uid, gid, 0, mtime, first, 0, 0, xattrs), null);
                            return;
                        }
                    }
                    long size = Files.size(p);
                    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                        tar.add(entry(name, TarEntry.REGULAR, perm, uid, gid, size, mtime, "", 0, 0, xattrs), in);
                    }
                }
                case 0120000 -> tar.add(entry(name, TarEntry.SYMLINK, 0777, uid, gid, 0, mtime,
                        Files.readSymbolicLink(p).toString(), 0, 0, Map.of()), null);
                case 0020000, 0060000 -> {
                    long rdev = ((Number) a.get("rdev")).longValue();
                    int major = (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
                    int minor = (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
                    if (type == 0020000 && major == 0 && minor == 0) {
                        // an overlay whiteout: the OCI form is an empty ".wh.<name>" file
                        int slash = name.lastIndexOf('/');
                        String wh = name.substring(0, slash + 1) + ".wh." + name.substring(slash + 1);
                        tar.add(entry(wh, TarEntry.REGULAR, perm, uid, gid, 0, mtime, "", 0, 0, Map.of()),
                                InputStream.nullInputStream());
                    } else {
                        tar.add(entry(name, type == 0020000 ? TarEntry.CHAR : TarEntry.BLOCK, perm, uid, gid, 0, mtime,
                                "", major, minor, xattrs), null);
                    }
                }
                case 0010000 -> tar.add(entry(name, TarEntry.FIFO, perm, uid, gid, 0, mtime, "", 0, 0, xattrs), null);
                default -> {
                    // sockets cannot be archived; Docker skips them too
                }
            }
        }

        private static TarEntry entry(String name, char type, int mode, int uid, int gid, long size, long mtime,
                String link, int major, int minor, Map<String, byte[]> xattrs) {
            return new TarEntry(name, type, mode, uid, gid, size, mtime, 0, link, major, minor, xattrs);
        }

        private Optional<byte[]> xattr(Path p, String name) throws IOException {
            try {
                return FileSyscalls.lgetxattr(p, name);
            } catch (Libc.ErrnoException e) {
                if (e.errno() == FileSyscalls.ENOTSUP || e.errno() == 1) {
                    return Optional.empty();
                }
                throw e;
            }
        }
    }
}
