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
        return run(archive, root, null, true);
    }

    /**
     * As {@link #extract(InputStream, Path)}, also recording the tar-split metadata of the stream
     * with {@code split} (see {@link TarSplit}), from which the uncompressed tar (sha256 = diff id)
     * can be rebuilt byte for byte without keeping a copy of it.
     */
    public static Extraction extract(InputStream archive, Path root, TarSplit.Recorder split) throws IOException {
        return run(archive, root, split, true);
    }

    /**
     * As {@link #extract(InputStream, Path, TarSplit.Recorder)} for an uncompressed tar whose sha256
     * the caller has computed from the same bytes already: returned as the diff id, not computed again.
     *
     * @throws dev.berth.common.EngineException INVALID_ARGUMENT if the stream is compressed after all
     */
    public static Extraction extractPlain(InputStream plainTar, Path root, TarSplit.Recorder split, Digest sha256)
            throws IOException {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(plainTar, 65536);
        if (Compression.detect(in) != Compression.NONE) {
            throw dev.berth.common.EngineException.invalid("invalid tar archive: compressed, not a plain tar");
        }
        Extraction x = run(in, root, split, false);
        return new Extraction(sha256, x.size());
    }

    /**
     * Records the tar-split metadata of a plain (uncompressed) tar that was unpacked into the
     * recorder's root earlier, without unpacking it again: each regular file's content is
     * referenced where {@link #extract} put it. Returns the tar's sha256. Content that a later
     * entry of the same tar replaced is not in the tree, so the metadata of such a tar does not
     * rebuild it: check with {@link TarSplit#assemble} before relying on it.
     */
    public static Digest record(InputStream plainTar, TarSplit.Recorder split) throws IOException {
        MessageDigest sha = Digest.newSha256();
        try (InputStream in = split.wrap(new DigestInputStream(plainTar, sha))) {
            TarReader reader = new TarReader(in);
            for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                if (e.type() == TarEntry.REGULAR && e.storedSize() > 0) {
                    java.util.List<String> parts = Unpacker.components(e.name(), java.util.List.of(), e.name());
                    if (!parts.isEmpty() && !parts.getLast().startsWith(".wh.")) { // as the unpacker decides
                        if (e.sparse().isEmpty()) {
                            split.file(String.join("/", parts), e.size());
                        } else {
                            split.sparseFile(String.join("/", parts), e.size(), e.sparse());
                        }
                    }
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
            split.finish();
        }
        return Digest.of(sha);
    }

    /** {@code hash} false: {@code archive} is a plain tar already checked and hashed by the caller (extractPlain). */
    private static Extraction run(InputStream archive, Path root, TarSplit.Recorder split, boolean hash)
            throws IOException {
        MessageDigest sha = Digest.newSha256();
        try (InputStream hashed = hash ? new DigestInputStream(Compression.decompress(archive), sha) : archive) {
            InputStream plain = split == null ? hashed : split.wrap(hashed);
            TarReader reader = new TarReader(plain);
            Unpacker unpacker = new Unpacker(root, split);
            for (TarEntry e = reader.next(); e != null; e = reader.next()) {
                unpacker.apply(e, reader.data());
            }
            unpacker.finish();
            plain.transferTo(OutputStream.nullOutputStream());
            if (split != null) {
                split.finish();
            }
            return new Extraction(Digest.of(sha), unpacker.size());
        }
    }
}
