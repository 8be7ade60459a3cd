package dev.berth.image;

import dev.berth.sys.FileSyscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an unpacked layer directory back as a layer tar (for push of a layer whose original tar
 * cannot be rebuilt: no tar-split metadata, or a tree that no longer matches it): entries sorted by name, owners,
 * modes and times kept, hard links as links, overlayfs whiteouts (char device 0:0) as
 * {@code .wh.<name>} and opaque directories ({@code trusted.overlay.opaque=y}) as
 * {@code .wh..wh..opq}.
 */
final class LayerArchiver {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;

    private LayerArchiver() {}

    static void write(Path root, OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            Map<Object, String> links = new HashMap<>();
            List<Path> paths;
            try (Stream<Path> s = Files.walk(root)) {
                paths = s.filter(p -> !p.equals(root)).sorted().toList();
            }
            for (Path p : paths) {
                String name = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,nlink,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                int type = mode & S_IFMT;
                long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
                TarArchiveEntry e;
                if (type == FileSyscalls.S_IFCHR && ((Long) a.get("rdev")) == 0L) {
                    Path parent = Path.of(name).getParent();
                    String wh = ".wh." + p.getFileName();
                    e = new TarArchiveEntry(parent == null ? wh : parent + "/" + wh);
                    e.setSize(0);
                    e.setMode(0100000);
                } else if (type == S_IFDIR) {
                    e = new TarArchiveEntry(name + "/");
                } else if (type == S_IFLNK) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (type == S_IFREG) {
                    Object key = a.get("dev") + ":" + a.get("ino");
                    String first = ((Integer) a.get("nlink")) > 1 ? links.putIfAbsent(key, name) : null;
                    if (first != null) {
                        e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
                        e.setLinkName(first);
                    } else {
                        e = new TarArchiveEntry(name);
                        e.setSize(Files.size(p));
                    }
                } else if (type == FileSyscalls.S_IFCHR || type == FileSyscalls.S_IFBLK) {
                    e = new TarArchiveEntry(name, type == FileSyscalls.S_IFCHR ? TarArchiveEntry.LF_CHR : TarArchiveEntry.LF_BLK);
                    long rdev = (Long) a.get("rdev");
                    e.setDevMajor((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)));
                    e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)));
                } else if (type == FileSyscalls.S_IFIFO) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_FIFO);
                } else {
                    continue; // sockets are not archived
                }
                if (!e.getName().contains(".wh.")) {
                    e.setMode(mode & 07777 | type);
                }
                e.setUserId((Integer) a.get("uid"));
                e.setGroupId((Integer) a.get("gid"));
                e.setModTime(mtime);
                tar.putArchiveEntry(e);
                if (e.isFile() && !e.isLink() && e.getSize() > 0) {
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(tar);
                    }
                }
                tar.closeArchiveEntry();
                if (type == S_IFDIR && opaque(p)) {
                    TarArchiveEntry o = new TarArchiveEntry(name + "/.wh..wh..opq");
                    o.setModTime(mtime);
                    tar.putArchiveEntry(o);
                    tar.closeArchiveEntry();
                }
            }
            tar.finish();
        }
    }

    private static boolean opaque(Path dir) {
        try {
            Optional<byte[]> v = FileSyscalls.lgetxattr(dir, "trusted.overlay.opaque");
            return v.isPresent() && v.get().length == 1 && v.get()[0] == 'y';
        } catch (Exception e) {
            return false;
        }
    }
}
