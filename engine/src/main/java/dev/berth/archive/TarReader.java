package dev.berth.archive;

import dev.berth.common.BulkInputStream;
import dev.berth.common.EngineException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A streaming tar reader (ustar, GNU long names, PAX). Written here rather than taken from
 * commons-compress because commons-compress decodes PAX values as UTF-8, which corrupts binary
 * xattrs such as {@code security.capability}; this reader keeps {@code SCHILY.xattr.*} values as
 * raw bytes. GNU sparse files (old GNU and PAX 0.0, 0.1, 1.0; see {@link GnuSparse}) are read
 * with their map: {@link #data} gives what the archive stores, {@link #content} the whole file.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    private final InputStream in;
    private final Map<String, byte[]> globalPax = new HashMap<>();
    private long remaining;
    private long padding;
    /** The sparse map and full size of the entry last returned, if it is a sparse file. */
    private List<TarEntry.Fragment> sparse = List.of();
    private long sparseSize;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. Unread content of the previous entry is skipped. */
    public TarEntry next() throws IOException {
        skipContent();
        Map<String, byte[]> pax = new LinkedHashMap<>(globalPax);
        String longName = null;
        String longLink = null;
        while (true) {
            byte[] h = in.readNBytes(BLOCK);
            if (h.length == 0) {
                return null; // tolerate archives without the two zero blocks, as Go's reader does
            }
            if (h.length < BLOCK) {
                throw new EOFException("truncated tar header");
            }
            if (isZero(h)) {
                return null;
            }
            verifyChecksum(h);
            char type = (char) h[156];
            long size = number(h, 124, 12);
            if (size < 0) {
                throw invalid("negative size");
            }
            switch (type) {
                case 'x' -> parsePax(readMeta(size), pax);
                case 'g' -> {
                    Map<String, byte[]> g = new LinkedHashMap<>();
                    parsePax(readMeta(size), g);
                    globalPax.putAll(g);
                    pax.putAll(g);
                }
                case 'L' -> longName = cString(readMeta(size));
                case 'K' -> longLink = cString(readMeta(size));
                default -> {
                    return entry(h, type, size, pax, longName, longLink);
                }
            }
        }
    }

    /**
     * The content of the entry last returned by {@link #next}; reads stop at its end. For a
     * sparse file, the whole file: holes read as zeros.
     */
    public InputStream content() {
        return sparse.isEmpty() ? data() : GnuSparse.expand(data(), sparse, sparseSize);
    }

    /**
     * What the archive stores for the entry last returned by {@link #next}: its content, or for a
     * sparse file the data of its map's fragments one after the other ({@link TarEntry#storedSize} bytes).
     */
    public InputStream data() {
        return new BulkInputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("truncated tar entry");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private TarEntry entry(byte[] h, char type, long size, Map<String, byte[]> pax, String longName, String longLink)
            throws IOException {
        // old GNU sparse: the extension blocks follow the header at once
        GnuSparse.Sparse oldSparse = type == 'S' ? GnuSparse.oldGnu(h, in) : null;
        String name = cString(h, 0, 100);
        String magic = new String(h, 257, 6, StandardCharsets.ISO_8859_1);
        if (magic.equals("ustar\0")) {
            String prefix = cString(h, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        if (longName != null) {
            name = longName;
        }
        String link = longLink != null ? longLink : cString(h, 157, 100);
        int mode = (int) number(h, 100, 8);
        long uid = number(h, 108, 8);
        long gid = number(h, 116, 8);
        long mtime = number(h, 136, 12);
        long mtimeNsec = 0;
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (var e : pax.entrySet()) {
            String v = new String(e.getValue(), StandardCharsets.UTF_8);
            switch (e.getKey()) {
                case "path" -> name = v;
                case "linkpath" -> link = v;
                case "size" -> size = Long.parseLong(v);
                case "uid" -> uid = Long.parseLong(v);
                case "gid" -> gid = Long.parseLong(v);
                case "mtime" -> {
                    BigDecimal t = new BigDecimal(v);
                    mtime = t.longValue();
                    mtimeNsec = t.subtract(BigDecimal.valueOf(mtime)).movePointRight(9).longValue();
                }
                default -> {
                    if (e.getKey().startsWith("SCHILY.xattr.")) {
                        xattrs.put(e.getKey().substring("SCHILY.xattr.".length()), e.getValue());
                    }
                }
            }
        }
        if (type == '\0' || type == '7' || type == 'S') {
            type = TarEntry.REGULAR;
        }
        sparse = List.of();
        long stored = size;
        if (type == TarEntry.REGULAR && (oldSparse != null || GnuSparse.isPax(pax))) {
            GnuSparse.Sparse s = oldSparse != null ? oldSparse : GnuSparse.pax(pax, in, size);
            if (s.name() != null && !s.name().isEmpty()) {
                name = s.name();
            }
            stored = size - s.mapBytes();
            sparse = GnuSparse.checked(s, stored, name);
            sparseSize = s.realSize();
        }
        // Only regular files carry data; a hard link's size field is ignored, as in Go.
        boolean hasData = type == TarEntry.REGULAR;
        remaining = hasData ? stored : 0;
        padding = hasData ? (BLOCK - size % BLOCK) % BLOCK : 0;
        if (!hasData && size > 0 && type != TarEntry.HARDLINK && type != TarEntry.SYMLINK
                && type != TarEntry.DIR && type != TarEntry.CHAR && type != TarEntry.BLOCK && type != TarEntry.FIFO) {
            remaining = size; // unknown type with data: keep the stream aligned; the caller rejects it
            padding = (BLOCK - size % BLOCK) % BLOCK;
        }
        return new TarEntry(name, type, mode, (int) uid, (int) gid, hasData ? (sparse.isEmpty() ? size : sparseSize) : 0,
                mtime, mtimeNsec, link, (int) number(h, 329, 8), (int) number(h, 337, 8), xattrs, sparse);
    }

    private void skipContent() throws IOException {
        long n = remaining + padding;
        remaining = 0;
        padding = 0;
        // Read rather than skip: the stream below may be hashing (the diff id covers every byte).
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("truncated tar entry");
            }
            n -= r;
        }
    }

    private byte[] readMeta(long size) throws IOException {
        if (size > 16 << 20) {
            throw invalid("tar metadata record of " + size + " bytes is too large");
        }
        byte[] b = in.readNBytes((int) size);
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        if (b.length < size || in.readNBytes((int) pad).length < pad) {
            throw new EOFException("truncated tar metadata");
        }
        return b;
    }

    /** PAX records: {@code "<len> <key>=<value>\n"}; values are kept as bytes. */
    private static void parsePax(byte[] b, Map<String, byte[]> out) {
        int pos = 0;
        while (pos < b.length) {
            int sp = pos;
            while (sp < b.length && b[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(b, pos, sp - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw invalid("malformed PAX record");
            }
            int end = pos + len;
            if (len <= 0 || end > b.length || b[end - 1] != '\n') {
                throw invalid("malformed PAX record");
            }
            int eq = sp + 1;
            while (eq < end && b[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw invalid("malformed PAX record");
            }
            String key = new String(b, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            byte[] value = Arrays.copyOfRange(b, eq + 1, end - 1);
            if (!GnuSparse.joinPax00(key, value, out)) {
                out.put(key, value);
            }
            pos = end;
        }
    }

    /** Octal, or base-256 when the top bit of the first byte is set (GNU, for large values). */
    static long number(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x3f;
            boolean negative = (h[off] & 0x40) != 0;
            for (int i = 1; i < len; i++) {
                v = (v << 8) | (h[off + i] & 0xff);
            }
            return negative ? -1 : v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
            v = (v << 3) + (h[i] - '0');
        }
        return v;
    }

    private static void verifyChecksum(byte[] h) {
        long stored = number(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += i >= 148 && i < 156 ? ' ' : h[i];
        }
        if (stored != unsigned && stored != signed) {
            throw invalid("invalid tar header checksum");
        }
    }

    private static boolean isZero(byte[] h) {
        for (byte b : h) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] b) {
        return cString(b, 0, b.length);
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static EngineException invalid(String what) {
        return EngineException.invalid("invalid tar archive: %s", what);
    }
}
