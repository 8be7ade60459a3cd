package dev.berth.archive;

import dev.berth.common.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Unpacks a layer tar (plain, gzip, zstd or bzip2, recognised by magic) into a directory. The
 * extraction can never create, change or read anything outside {@code root}: names with {@code ..}
 * that would leave it are refused, absolute names are taken relative to it, no symlink already in
 * the tree is ever followed, and hard links must point inside it. OCI whiteouts become overlayfs
 * whiteouts (char device 0:0, and {@code trusted.overlay.opaque=y} for opaque directories).
 */
public final class TarExtractor {
    private TarExtractor() {}

    /**
     * Extracts {@code archive} into {@code root} (which must exist) and returns the diff id of the
     * uncompressed stream. Bytes after the end-of-archive marker are read and hashed too, because
     * the diff id covers the whole uncompressed stream.
     *
     * @throws dev.berth.common.EngineException INVALID_ARGUMENT for a malformed or hostile archive
     */
    public static Extraction extract(InputStream archive, Path root) throws IOException {
        return extract(archive, root, OutputStream.nullOutputStream());
    }

    /**
     * As {@link #extract(InputStream, Path)}, also writing the uncompressed stream, byte for byte,
     * to {@code copy}: the layer tar whose sha256 is the diff id, kept so that {@code save} never
     * has to re-create it. {@code copy} is neither flushed nor closed.
     */
    public static Extraction extract(InputStream archive, Path root, OutputStream copy) throws IOException {
        MessageDigest sha = Digest.newSha256();
        try (InputStream plain = new DigestInputStream(new TeeInputStream(Compression.decompress(archive), copy), sha)) {
            TarReader reader = new TarReader(plain);
            Unpacker unpacker = new Unpacker(root);
            for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                unpacker.apply(e, reader.content());
            }
            unpacker.finish();
            plain.transferTo(OutputStream.nullOutputStream());
            return new Extraction(Digest.of(sha), unpacker.size());
        }
    }

    /** Copies what is read to {@code copy}. */
    private static final class TeeInputStream extends java.io.FilterInputStream {
        private final OutputStream copy;

        TeeInputStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
