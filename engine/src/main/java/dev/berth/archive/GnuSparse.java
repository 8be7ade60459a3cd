package dev.berth.archive;

import dev.berth.archive.TarEntry.Fragment;
import dev.berth.common.EngineException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sparse maps of GNU tar's sparse files, in each of its formats: the old GNU header (type
 * {@code 'S'}, four map entries in the header and 21 in each extension block after it), and the
 * PAX formats 0.0 (repeated {@code GNU.sparse.offset}/{@code numbytes} records, joined into
 * {@code GNU.sparse.map} while the PAX header is read), 0.1 ({@code GNU.sparse.map}) and 1.0
 * (the map as decimal lines at the start of the entry's data, in whole blocks). As Go's
 * archive/tar reads them; a map is only accepted in order, without overlaps, inside the file's
 * size and accounting for exactly the data the entry stores.
 */
final class GnuSparse {
    private static final int BLOCK = 512;
    private static final String PREFIX = "GNU.sparse.";
    /** More map entries than this is taken for an attack on memory rather than a file. */
    private static final int MAX_FRAGMENTS = 1 << 20;

    /**
     * A sparse file's header facts.
     *
     * @param name the file's name from the PAX records, or null to keep the header's
     * @param mapBytes bytes of the entry's data the map took (PAX 1.0), before the file's data
     */
    record Sparse(String name, long realSize, List<Fragment> map, long mapBytes) {}

    private GnuSparse() {}

    /** Whether PAX records describe a GNU sparse file: some {@code GNU.sparse.*} record is there. */
    static boolean isPax(Map<String, byte[]> pax) {
        for (String k : pax.keySet()) {
            if (k.startsWith(PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /** The map of an old GNU sparse header {@code h}, reading its extension blocks from {@code in}. */
    static Sparse oldGnu(byte[] h, InputStream in) throws IOException {
        List<Fragment> map = new ArrayList<>();
        entries(h, 386, 4, map);
        boolean extended = h[482] != 0;
        while (extended) {
            byte[] b = in.readNBytes(BLOCK);
            if (b.length < BLOCK) {
                throw new EOFException("truncated tar header");
            }
            entries(b, 0, 21, map);
            extended = b[504] != 0;
        }
        return new Sparse(null, TarReader.number(h, 483, 12), map, 0);
    }

    private static void entries(byte[] b, int off, int count, List<Fragment> map) {
        for (int i = 0; i < count; i++) {
            int p = off + i * 24;
            if (b[p] == 0) {
                break; // as GNU and Go: an empty offset ends the block's list (extension blocks still follow)
            }
            add(map, TarReader.number(b, p, 12), TarReader.number(b, p + 12, 12));
        }
    }

    /** The map of a PAX sparse file; for format 1.0 it is read from the start of the entry's data. */
    static Sparse pax(Map<String, byte[]> pax, InputStream in, long size) throws IOException {
        String major = string(pax, "major");
        String minor = string(pax, "minor");
        boolean v1 = "1".equals(major) && "0".equals(minor);
        boolean v0 = major == null && minor == null || "0".equals(major) && ("0".equals(minor) || "1".equals(minor));
        if (!v0 && !v1) {
            throw invalid("unsupported GNU sparse format %s.%s", major, minor);
        }
        String real = string(pax, "size") != null ? string(pax, "size") : string(pax, "realsize");
        if (real == null) {
            throw invalid("GNU sparse file without its size");
        }
        long realSize = decimal(real);
        if (v1) {
            MapReader r = new MapReader(in, size);
            long n = r.next();
            if (n > MAX_FRAGMENTS) {
                throw invalid("GNU sparse map of %d entries is too large", n);
            }
            List<Fragment> map = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                add(map, r.next(), r.next());
            }
            return new Sparse(string(pax, "name"), realSize, map, r.consumed());
        }
        List<Fragment> map = new ArrayList<>();
        String text = string(pax, "map");
        if (text != null && !text.isEmpty()) {
            String[] parts = text.split(",", -1);
            if (parts.length % 2 != 0) {
                throw invalid("malformed GNU sparse map");
            }
            for (int i = 0; i < parts.length; i += 2) {
                add(map, decimal(parts[i]), decimal(parts[i + 1]));
            }
        }
        return new Sparse(string(pax, "name"), realSize, map, 0);
    }

    /**
     * PAX 0.0 gives the map as repeated {@code GNU.sparse.offset} and {@code GNU.sparse.numbytes}
     * records, which a map of records would collapse: they are joined into {@code GNU.sparse.map}
     * as they come, alternating strictly (as Go does). Returns false for any other record.
     */
    static boolean joinPax00(String key, byte[] value, Map<String, byte[]> out) {
        boolean offset = key.equals(PREFIX + "offset");
        if (!offset && !key.equals(PREFIX + "numbytes")) {
            return false;
        }
        String v = new String(value, StandardCharsets.US_ASCII);
        byte[] old = out.get(PREFIX + "map");
        String map = old == null ? "" : new String(old, StandardCharsets.US_ASCII);
        int values = map.isEmpty() ? 0 : map.split(",", -1).length;
        if ((values % 2 == 0) != offset || v.contains(",")) {
            throw invalid("malformed GNU sparse PAX records");
        }
        out.put(PREFIX + "map", (map.isEmpty() ? v : map + "," + v).getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    /**
     * {@code s.map()} checked against the file's size and the data the entry stores (its size
     * less the map's bytes); an empty map becomes one empty fragment at the end (a file of holes).
     */
    static List<Fragment> checked(Sparse s, long stored, String name) {
        if (s.realSize() < 0) {
            throw invalid("%s: negative sparse file size", name);
        }
        long end = 0;
        long data = 0;
        for (Fragment f : s.map()) {
            if (f.offset() < 0 || f.length() < 0 || f.offset() > s.realSize() - f.length()) {
                throw invalid("%s: sparse map points past the file's size %d", name, s.realSize());
            }
            if (f.offset() < end) {
                throw invalid("%s: sparse map entries overlap or are out of order", name);
            }
            end = f.offset() + f.length();
            data += f.length();
        }
        if (data != stored) {
            throw invalid("%s: sparse map accounts for %d bytes, the entry stores %d", name, data, stored);
        }
        return s.map().isEmpty() ? List.of(new Fragment(s.realSize(), 0)) : List.copyOf(s.map());
    }

    /** The logical content of a sparse file: its stored {@code data} at the map's places, zeros in the holes. */
    static InputStream expand(InputStream data, List<Fragment> map, long size) {
        return new InputStream() {
            private long pos;
            private int next; // the first fragment not wholly behind pos

            @Override
            public int read() throws IOException {
                byte[] one = readNBytes(1);
                return one.length == 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= size) {
                    return -1;
                }
                while (next < map.size() && pos >= map.get(next).offset() + map.get(next).length()) {
                    next++;
                }
                Fragment f = next < map.size() ? map.get(next) : null;
                int n;
                if (f != null && pos >= f.offset()) {
                    n = data.read(b, off, (int) Math.min(len, f.offset() + f.length() - pos));
                    if (n < 0) {
                        throw new EOFException("truncated tar entry");
                    }
                } else {
                    n = (int) Math.min(len, (f == null ? size : f.offset()) - pos);
                    java.util.Arrays.fill(b, off, off + n, (byte) 0);
                }
                pos += n;
                return n;
            }
        };
    }

    private static void add(List<Fragment> map, long offset, long length) {
        if (map.size() >= MAX_FRAGMENTS) {
            throw invalid("GNU sparse map of more than %d entries is too large", MAX_FRAGMENTS);
        }
        map.add(new Fragment(offset, length));
    }

    private static String string(Map<String, byte[]> pax, String key) {
        byte[] v = pax.get(PREFIX + key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static long decimal(String s) {
        if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("malformed number %s in a GNU sparse header", s);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException tooLarge) {
            throw invalid("malformed number %s in a GNU sparse header", s);
        }
    }

    private static EngineException invalid(String format, Object... args) {
        return EngineException.invalid("invalid tar archive: " + format, args);
    }

    /** The decimal lines of a PAX 1.0 map, read block by block from the entry's data. */
    private static final class MapReader {
        private final InputStream in;
        private final long size;
        private final byte[] block = new byte[BLOCK];
        private int pos = BLOCK;
        private long consumed;

        MapReader(InputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        long next() throws IOException {
            StringBuilder digits = new StringBuilder();
            while (true) {
                if (pos == BLOCK) {
                    if (consumed + BLOCK > size) {
                        throw invalid("GNU sparse map runs past its entry");
                    }
                    if (in.readNBytes(block, 0, BLOCK) < BLOCK) {
                        throw new EOFException("truncated tar entry");
                    }
                    consumed += BLOCK;
                    pos = 0;
                }
                byte c = block[pos++];
                if (c == '\n') {
                    return decimal(digits.toString());
                }
                if (digits.length() > 19) {
                    throw invalid("malformed GNU sparse map");
                }
                digits.append((char) c);
            }
        }

        long consumed() {
            return consumed;
        }
    }
}
