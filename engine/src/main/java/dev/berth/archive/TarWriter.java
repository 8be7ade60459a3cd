package dev.berth.archive;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming tar writer: ustar headers, with a PAX record for what ustar cannot hold (long or
 * non-ASCII names and link targets, big sizes and ids, extended attributes). Written here rather
 * than taken from commons-compress for the same reason as {@link TarReader}: xattr values such as
 * {@code security.capability} are binary and must be written as raw bytes. The counterpart of
 * {@link TarReader}; what one writes the other (and GNU tar, Go's archive/tar) reads back.
 */
public final class TarWriter {
    private static final int BLOCK = 512;
    private static final byte[] ZEROS = new byte[BLOCK];
    /** File contents are copied in pieces of this size: big enough that a large file costs few calls. */
    private static final int COPY = 1 << 20;
    private final OutputStream out;
    private byte[] copy; // allocated for the first file with content, then reused

    /** Writes to {@code out}, which is neither buffered nor closed here. */
    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** A regular file with {@code data}, mode 0644, owned by root. */
    public void addFile(String name, byte[] data, long mtimeSec) throws IOException {
        add(new TarEntry(name, TarEntry.REGULAR, 0644, 0, 0, data.length, mtimeSec, 0, "", 0, 0, Map.of()),
                new java.io.ByteArrayInputStream(data));
    }

    /** A directory, mode 0755, owned by root. */
    public void addDirectory(String name, long mtimeSec) throws IOException {
        add(new TarEntry(name.endsWith("/") ? name : name + "/", TarEntry.DIR, 0755, 0, 0, 0, mtimeSec, 0, "", 0, 0,
                Map.of()), null);
    }

    /**
     * Writes {@code e}'s header and, for a regular file, exactly {@code e.size()} bytes of
     * {@code content} (fewer is an error: the archive would be corrupt).
     */
    public void add(TarEntry e, InputStream content) throws IOException {
        Map<String, byte[]> pax = new LinkedHashMap<>();
        String name = e.name();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100 || !ascii(name)) {
            pax.put("path", nameBytes);
            name = shorten(name);
        }
        String link = e.linkName() == null ? "" : e.linkName();
        if (link.getBytes(StandardCharsets.UTF_8).length > 100 || !ascii(link)) {
            pax.put("linkpath", link.getBytes(StandardCharsets.UTF_8));
            link = shorten(link);
        }
        boolean data = e.type() == TarEntry.REGULAR;
        long size = data ? e.size() : 0;
        if (size > 077777777777L) {
            pax.put("size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
        }
        if (e.uid() < 0 || e.uid() > 07777777) {
            pax.put("uid", Integer.toUnsignedString(e.uid()).getBytes(StandardCharsets.US_ASCII));
        }
        if (e.gid() < 0 || e.gid() > 07777777) {
            pax.put("gid", Integer.toUnsignedString(e.gid()).getBytes(StandardCharsets.US_ASCII));
        }
        if (e.mtimeSec() < 0 || e.mtimeSec() > 077777777777L) {
            pax.put("mtime", Long.toString(e.mtimeSec()).getBytes(StandardCharsets.US_ASCII));
        }
        for (var x : e.xattrs().entrySet()) {
            pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            String paxName = shorten("PaxHeaders.0/" + lastComponent(e.name()));
            writeHeader(paxName, 'x', 0644, 0, 0, records.length, 0, "", 0, 0);
            out.write(records);
            pad(records.length);
        }
        writeHeader(name, e.type(), e.mode() & 07777, clampId(e.uid()), clampId(e.gid()),
                size > 077777777777L ? 0 : size, e.mtimeSec() < 0 || e.mtimeSec() > 077777777777L ? 0 : e.mtimeSec(),
                link, e.devMajor(), e.devMinor());
        if (data && size > 0) {
            long left = size;
            if (copy == null) {
                copy = new byte[(int) Math.min(COPY, Math.max(size, 64 << 10))];
            } else if (copy.length < COPY && size > copy.length) {
                copy = new byte[(int) Math.min(COPY, size)];
            }
            byte[] buf = copy;
            while (left > 0) {
                int n = content.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException(e.name() + ": file shrank while being archived");
                }
                out.write(buf, 0, n);
                left -= n;
            }
            pad(size);
        }
    }

    /** Writes the end-of-archive marker (two zero blocks) and flushes. */
    public void finish() throws IOException {
        out.write(ZEROS);
        out.write(ZEROS);
        out.flush();
    }

    private void writeHeader(String name, char type, int mode, int uid, int gid, long size, long mtime, String link,
            int devMajor, int devMinor) throws IOException {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        if (type == TarEntry.CHAR || type == TarEntry.BLOCK) {
            octal(h, 329, 8, devMajor);
            octal(h, 337, 8, devMinor);
        }
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 8);
        out.write(h);
    }

    private void pad(long size) throws IOException {
        int p = (int) ((BLOCK - size % BLOCK) % BLOCK);
        if (p > 0) {
            out.write(ZEROS, 0, p);
        }
    }

    /** {@code "<len> <key>=<value>\n"}, where len counts the whole record including its own digits. */
    static byte[] paxRecords(Map<String, byte[]> pax) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (var e : pax.entrySet()) {
            byte[] k = (" " + e.getKey() + "=").getBytes(StandardCharsets.UTF_8);
            int body = k.length + e.getValue().length + 1;
            int len = body + String.valueOf(body).length();
            if (String.valueOf(len).length() != String.valueOf(body).length()) {
                len++;
            }
            b.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(k);
            b.writeBytes(e.getValue());
            b.write('\n');
        }
        return b.toByteArray();
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        put(h, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(byte[] h, int off, int len, byte[] v) {
        System.arraycopy(v, 0, h, off, Math.min(len, v.length));
    }

    private static int clampId(int id) {
        return id < 0 || id > 07777777 ? 0 : id;
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** An ASCII stand-in of at most 100 bytes for a name carried in full by a PAX record. */
    private static String shorten(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x80 ? c : '_');
        }
        return b.toString();
    }

    private static String lastComponent(String name) {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return n.substring(n.lastIndexOf('/') + 1);
    }
}
