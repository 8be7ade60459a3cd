package dev.berth.archive;

import java.util.Map;

/**
 * One tar header after PAX and GNU long-name records have been applied.
 *
 * @param xattrs raw bytes of each {@code SCHILY.xattr.<name>} record, keyed by attribute name
 */
public record TarEntry(String name, char type, int mode, int uid, int gid, long size, long mtimeSec, long mtimeNsec,
        String linkName, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    public static final char REGULAR = '0';
    public static final char HARDLINK = '1';
    public static final char SYMLINK = '2';
    public static final char CHAR = '3';
    public static final char BLOCK = '4';
    public static final char DIR = '5';
    public static final char FIFO = '6';
}
