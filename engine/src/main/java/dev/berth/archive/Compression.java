package dev.berth.archive;

import com.github.luben.zstd.ZstdInputStream;
import dev.berth.common.EngineException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/** Recognises a compressed stream by its magic bytes, as Docker's DetectCompression does. */
public enum Compression {
    NONE, GZIP, ZSTD, BZIP2, XZ;

    /** Peeks at the first bytes of {@code in} (which must support mark, see {@link #decompress}). */
    static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(8);
        byte[] b = in.readNBytes(6);
        in.reset();
        return of(b);
    }

    /** The compression of a stream that starts with {@code b} (its first 6 bytes or more), as {@link #decompress} sees it. */
    public static Compression of(byte[] b) {
        if (starts(b, 0x1f, 0x8b, 0x08)) {
            return GZIP;
        }
        if (starts(b, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        if (starts(b, 'B', 'Z', 'h')) {
            return BZIP2;
        }
        if (starts(b, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return XZ;
        }
        return NONE;
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** An uncompressed stream that came out of a decompressor already: never decompressed again. */
    interface Decompressed {}

    /** Wraps {@code raw} in the decompressor its magic bytes call for; plain streams pass through. */
    public static InputStream decompress(InputStream raw) throws IOException {
        if (raw instanceof Decompressed) {
            return raw; // detecting again could take a tar that starts like gzip for one
        }
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        return switch (detect(in)) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 65536);
            case ZSTD -> new ZstdInputStream(in);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> throw EngineException.invalid("xz-compressed archives are not supported; use gzip or zstd");
        };
    }
}
