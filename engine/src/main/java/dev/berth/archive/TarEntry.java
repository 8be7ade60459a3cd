package dev.berth.archive;

import java.util.List;
import java.util.Map;

/**
 * One tar header after PAX and GNU long-name records have been applied.
 *
 * @param size the file's size; for a sparse file its full (logical) size, holes included
 * @param xattrs raw bytes of each {@code SCHILY.xattr.<name>} record, keyed by attribute name
 * @param sparse for a GNU sparse file (old GNU or PAX 0.0, 0.1, 1.0), where its stored data goes:
 *     in order, not overlapping, inside {@code size}, their lengths adding up to the stored data;
 *     never empty then. Empty for every other entry.
 */
public record TarEntry(String name, char type, int mode, int uid, int gid, long size, long mtimeSec, long mtimeNsec,
        String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs, List<Fragment> sparse) {
    /** {@code length} bytes of a sparse file's data at {@code offset}; the rest of the file is holes. */
    public record Fragment(long offset, long length) {}

    /** An entry that is not a sparse file. */
    public TarEntry(String name, char type, int mode, int uid, int gid, long size, long mtimeSec, long mtimeNsec,
            String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
        this(name, type, mode, uid, gid, size, mtimeSec, mtimeNsec, linkName, devMajor, devMinor, xattrs, List.of());
    }

    /** The bytes of content the archive holds for this entry: {@link #size} unless sparse. */
    public long storedSize() {
        return sparse.isEmpty() ? size : sparse.stream().mapToLong(Fragment::length).sum();
    }

    public static final char REGULAR = '0';
    public static final char HARDLINK = '1';
    public static final char SYMLINK = '2';
    public static final char CHAR = '3';
    public static final char BLOCK = '4';
    public static final char DIR = '5';
    public static final char FIFO = '6';
}
