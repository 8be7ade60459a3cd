package dev.berth.store;

import dev.berth.common.AtomicFiles;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Content-addressed blobs under {@code <dataRoot>/blobs/sha256/<hex>}. A blob appears under its
 * name only once its bytes are complete, verified and on disk (temp file, digest checked while
 * streaming, fsync, rename), so a present blob is always a correct one.
 */
public final class ContentStore {
    private final Path dir;

    public ContentStore(Path dataRoot) {
        this.dir = dataRoot.resolve("blobs").resolve("sha256");
        try {
            Files.createDirectories(dir);
            // Temp files of writes a crash interrupted: never valid, never referenced.
            try (var s = Files.newDirectoryStream(dir, ".ingest-*")) {
                for (Path p : s) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw EngineException.system(e, "create content store %s", dir);
        }
    }

    /**
     * Stores {@code in} and returns its digest. With {@code expected}, a stream whose digest differs
     * is refused (INVALID_ARGUMENT) and nothing is kept. Writing a blob that exists is harmless.
     */
    public Digest write(InputStream in, Optional<Digest> expected) throws IOException {
        Path tmp = Files.createTempFile(dir, ".ingest-", "");
        try {
            MessageDigest sha = Digest.newSha256();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(ch);
                    InputStream din = new DigestInputStream(in, sha)) {
                din.transferTo(out);
                ch.force(true);
            }
            Digest actual = Digest.of(sha);
            if (expected.isPresent() && !expected.get().equals(actual)) {
                throw EngineException.invalid("digest mismatch: expected %s, got %s", expected.get(), actual);
            }
            Path target = dir.resolve(actual.hex());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.syncDirectory(dir);
            return actual;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public boolean exists(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /** Where the blob lives (whether or not it exists). */
    public Path path(Digest digest) {
        return dir.resolve(digest.hex());
    }

    /** @throws EngineException NOT_FOUND when absent */
    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw EngineException.notFound("blob %s not found", digest);
        }
    }

    public long size(Digest digest) throws IOException {
        return Files.size(path(digest));
    }

    /** Removes the blob; missing is fine. */
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(path(digest));
    }

    /** Every stored blob, for garbage collection. */
    public Set<Digest> list() throws IOException {
        Set<Digest> out = new TreeSet<>(java.util.Comparator.comparing(Digest::hex));
        try (var s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.matches("[a-f0-9]{64}")) {
                    out.add(new Digest("sha256", name));
                }
            }
        }
        return out;
    }
}
