package dev.berth.archive;

import dev.berth.common.AtomicFiles;
import dev.berth.common.EngineException;
import dev.berth.sys.FileSyscalls;
import dev.berth.sys.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Applies tar entries to a directory tree. All path handling is lexical on components relative to
 * the root, and every existing component is checked with lstat, so a symlink planted by an earlier
 * entry is never traversed (the Docker CVE-2018-15664 / "tar breakout" family).
 */
final class Unpacker {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final String OVERLAY_OPAQUE = "trusted.overlay.opaque";

    private final Path root;
    private final TarSplit.Recorder split;
    private final List<Runnable> dirTimes = new ArrayList<>();
    /** For file contents; an unpacker serves one extraction, on one thread. */
    private final byte[] buf = new byte[1 << 18];
    private long size;

    /** With {@code split} (may be null), file contents are announced to it and never lost. */
    Unpacker(Path root, TarSplit.Recorder split) {
        this.root = root;
        this.split = split;
    }

    long size() {
        return size;
    }

    /** Applies {@code e}; {@code content} is what the archive stores for it ({@link TarReader#data}). */
    void apply(TarEntry e, InputStream content) throws IOException {
        List<String> parts = components(e.name(), List.of(), e.name());
        if (parts.isEmpty()) {
            // "./": the layer's root directory itself; only its metadata applies.
            if (e.type() == TarEntry.DIR) {
                metadata(root, e);
            }
            return;
        }
        String base = parts.getLast();
        Path parent = directory(parts.subList(0, parts.size() - 1), true, e.name());
        if (base.startsWith(WHITEOUT)) {
            whiteout(parts, parent, base, e);
            return;
        }
        Path target = parent.resolve(base);
        BasicFileAttributes existing = lstat(target);
        if (existing != null && !(existing.isDirectory() && e.type() == TarEntry.DIR)) {
            // Replace whatever is there (a later entry wins), but never descend through a symlink.
            if (split != null) {
                split.replacing(String.join("/", parts), target);
            }
            AtomicFiles.deleteTree(target);
        }
        switch (e.type()) {
            case TarEntry.REGULAR -> {
                if (!e.sparse().isEmpty()) {
                    writeSparse(target, String.join("/", parts), e, content);
                    size += e.size();
                    break;
                }
                try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS)) {
                    if (split != null && e.size() > 0) {
                        split.file(String.join("/", parts), e.size());
                    }
                    size += copy(content, out, Long.MAX_VALUE);
                }
            }
            case TarEntry.DIR -> {
                if (existing == null || !existing.isDirectory()) {
                    Files.createDirectory(target);
                }
            }
            case TarEntry.SYMLINK -> {
                checkSymlinkTarget(parts, e);
                Files.createSymbolicLink(target, Path.of(e.linkName()));
            }
            case TarEntry.HARDLINK -> {
                Path source = resolveExisting(e.linkName(), e.name());
                Files.createLink(target, source);
                return; // same inode as the source: its metadata was set by the source's entry
            }
            case TarEntry.CHAR, TarEntry.BLOCK, TarEntry.FIFO -> {
                int kind = e.type() == TarEntry.CHAR ? FileSyscalls.S_IFCHR
                        : e.type() == TarEntry.BLOCK ? FileSyscalls.S_IFBLK : FileSyscalls.S_IFIFO;
                FileSyscalls.mknod(target, kind | (e.mode() & 07777), FileSyscalls.makedev(e.devMajor(), e.devMinor()));
            }
            default -> throw EngineException.invalid("invalid tar archive: unhandled tar header type %d for %s",
                    (int) e.type(), e.name());
        }
        metadata(target, e);
    }

    /**
     * Writes a sparse file with holes: each fragment of {@code data} at its offset, nothing
     * between (the file system leaves holes where nothing was written). A hole at the end is
     * made by writing the last byte, as Go's archive/tar does, so the size is right.
     */
    private void writeSparse(Path target, String path, TarEntry e, InputStream data) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            if (split != null && e.storedSize() > 0) {
                split.sparseFile(path, e.size(), e.sparse());
            }
            for (TarEntry.Fragment f : e.sparse()) {
                out.position(f.offset());
                if (copy(data, out, f.length()) < f.length()) {
                    throw new java.io.EOFException("truncated tar entry");
                }
            }
            if (out.size() < e.size()) {
                out.write(ByteBuffer.wrap(new byte[1]), e.size() - 1);
            }
        }
    }

    /**
     * Copies up to {@code limit} bytes (all there are with {@code Long.MAX_VALUE}) of {@code in}
     * to {@code out}; returns how many. In 256 KiB writes: InputStream.transferTo's 16 KiB made
     * 12,800 write(2) calls, each with the JDK's copy into a direct buffer, for the bench image's
     * 200 MB.
     */
    private long copy(InputStream in, FileChannel out, long limit) throws IOException {
        long done = 0;
        while (done < limit) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, limit - done));
            if (n < 0) {
                break;
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
                out.write(b);
            }
            done += n;
        }
        return done;
    }

    /** Sets directory times last: creating entries inside a directory changes its mtime. */
    void finish() {
        dirTimes.forEach(Runnable::run);
    }

    private void whiteout(List<String> parts, Path parent, String base, TarEntry e) throws IOException {
        if (base.equals(OPAQUE)) {
            FileSyscalls.lsetxattr(parent, OVERLAY_OPAQUE, new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT + WHITEOUT)) {
            return; // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): meaningless for overlayfs
        }
        String name = base.substring(WHITEOUT.length());
        // ".wh.." or ".wh.." followed by "." would name the parent itself: hostile.
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            throw EngineException.invalid("invalid tar archive: bad whiteout %s", e.name());
        }
        Path target = parent.resolve(name);
        if (split != null) {
            List<String> whited = new ArrayList<>(parts.subList(0, parts.size() - 1));
            whited.add(name);
            split.replacing(String.join("/", whited), target);
        }
        AtomicFiles.deleteTree(target);
        FileSyscalls.mknod(target, FileSyscalls.S_IFCHR, FileSyscalls.makedev(0, 0));
        FileSyscalls.lchown(target, e.uid(), e.gid());
    }

    private void metadata(Path p, TarEntry e) throws IOException {
        FileSyscalls.lchown(p, e.uid(), e.gid());
        for (var x : e.xattrs().entrySet()) {
            try {
                FileSyscalls.lsetxattr(p, x.getKey(), x.getValue());
            } catch (Libc.ErrnoException ex) {
                // Docker ignores these too: not every filesystem supports every namespace.
                if (ex.errno() != FileSyscalls.ENOTSUP && ex.errno() != 1 /* EPERM */) {
                    throw ex;
                }
            }
        }
        if (e.type() != TarEntry.SYMLINK) {
            FileSyscalls.chmod(p, e.mode()); // after lchown, which clears setuid/setgid
        }
        Runnable times = () -> {
            try {
                FileSyscalls.lutimes(p, e.mtimeSec(), e.mtimeNsec(), e.mtimeSec(), e.mtimeNsec());
            } catch (Libc.ErrnoException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        };
        if (e.type() == TarEntry.DIR) {
            dirTimes.add(times);
        } else {
            times.run();
        }
    }

    /**
     * Lexically normalises {@code name} against {@code base} (components already inside the root).
     * Leading slashes make no difference: absolute names are relative to the root.
     */
    static List<String> components(String name, List<String> base, String entry) {
        Deque<String> out = new ArrayDeque<>(base);
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (out.isEmpty()) {
                    throw EngineException.invalid("invalid tar archive: %s escapes the extraction root", entry);
                }
                out.removeLast();
            } else {
                out.addLast(c);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The directory for {@code parts} under the root, created (0755) where missing when asked. Every
     * existing component must be a real directory: a symlink is refused, never followed.
     */
    private Path directory(List<String> parts, boolean create, String entry) throws IOException {
        Path cur = root;
        for (String c : parts) {
            cur = cur.resolve(c);
            BasicFileAttributes a = lstat(cur);
            if (a == null) {
                if (!create) {
                    throw EngineException.invalid("invalid tar archive: %s: no such directory %s", entry, c);
                }
                try {
                    Files.createDirectory(cur);
                } catch (FileAlreadyExistsException race) {
                    throw EngineException.invalid("invalid tar archive: %s changed during extraction", entry);
                }
                FileSyscalls.chmod(cur, 0755);
            } else if (a.isSymbolicLink()) {
                throw EngineException.invalid("invalid tar archive: %s: refusing to write through symlink %s",
                        entry, root.relativize(cur));
            } else if (!a.isDirectory()) {
                throw EngineException.invalid("invalid tar archive: %s: %s is not a directory", entry,
                        root.relativize(cur));
            }
        }
        return cur;
    }

    /** A hard link's source: inside the root, reached without symlinks, and existing. */
    private Path resolveExisting(String linkName, String entry) throws IOException {
        List<String> parts = components(linkName, List.of(), entry);
        if (parts.isEmpty()) {
            throw EngineException.invalid("invalid tar archive: hard link %s to the root", entry);
        }
        Path source = directory(parts.subList(0, parts.size() - 1), false, entry).resolve(parts.getLast());
        BasicFileAttributes a = lstat(source);
        if (a == null) {
            throw EngineException.invalid("invalid tar archive: hard link %s to missing %s", entry, linkName);
        }
        if (a.isDirectory()) {
            throw EngineException.invalid("invalid tar archive: hard link %s to a directory", entry);
        }
        return source;
    }

    /** Docker refuses relative symlinks whose target climbs out of the root, so we do too. */
    private static void checkSymlinkTarget(List<String> parts, TarEntry e) {
        if (!e.linkName().startsWith("/")) {
            components(e.linkName(), parts.subList(0, parts.size() - 1), e.name());
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
