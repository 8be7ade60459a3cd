package dev.berth.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes tar archives byte by byte, so tests can build hostile and binary-xattr archives. */
public final class TestTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long mtime = 1_700_000_000L;

    public TestTar mtime(long seconds) {
        mtime = seconds;
        return this;
    }

    public TestTar file(String name, String content, int mode) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), mode, 0, 0);
    }

    public TestTar file(String name, byte[] content, int mode, int uid, int gid) {
        header(name, '0', mode, uid, gid, content.length, "", 0, 0);
        data(content);
        return this;
    }

    public TestTar dir(String name, int mode) {
        header(name, '5', mode, 0, 0, 0, "", 0, 0);
        return this;
    }

    public TestTar symlink(String name, String target) {
        header(name, '2', 0777, 0, 0, 0, target, 0, 0);
        return this;
    }

    public TestTar hardlink(String name, String target) {
        header(name, '1', 0644, 0, 0, 0, target, 0, 0);
        return this;
    }

    public TestTar device(String name, char type, int mode, int major, int minor) {
        header(name, type, mode, 0, 0, 0, "", major, minor);
        return this;
    }

    /** A PAX extended header whose value is raw bytes, applying to the next entry. */
    public TestTar pax(String key, byte[] value) {
        byte[] k = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
        int body = k.length + value.length + 1;
        int len = body + String.valueOf(body).length();
        if (String.valueOf(len).length() != String.valueOf(body).length()) {
            len++;
        }
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
        rec.writeBytes(k);
        rec.writeBytes(value);
        rec.write('\n');
        byte[] r = rec.toByteArray();
        header("PaxHeaders/x", 'x', 0644, 0, 0, r.length, "", 0, 0);
        data(r);
        return this;
    }

    /** {@code members} gzipped one after another, each a gzip member of its own (as pigz -i or cat writes them). */
    public static byte[] gzip(byte[]... members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : members) {
            try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
                @Override
                public void close() throws java.io.IOException {
                    finish(); // the member ends; out stays open for the next
                }
            }) {
                gz.write(m);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out.toByteArray();
    }

    public byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    private void data(byte[] content) {
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private void header(String name, char type, int mode, int uid, int gid, long size, String link, int major,
            int minor) {
        byte[] h = new byte[512];
        put(h, 0, 100, name);
        put(h, 100, 8, String.format("%07o", mode));
        put(h, 108, 8, String.format("%07o", uid));
        put(h, 116, 8, String.format("%07o", gid));
        put(h, 124, 12, String.format("%011o", size));
        put(h, 136, 12, String.format("%011o", mtime));
        h[156] = (byte) type;
        put(h, 157, 100, link);
        put(h, 257, 6, "ustar");
        put(h, 263, 2, "00");
        put(h, 329, 8, String.format("%07o", major));
        put(h, 337, 8, String.format("%07o", minor));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, 8, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        out.writeBytes(h);
    }

    private static void put(byte[] h, int off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > len) {
            throw new IllegalArgumentException("too long for a test header: " + s);
        }
        System.arraycopy(b, 0, h, off, b.length);
    }
}
