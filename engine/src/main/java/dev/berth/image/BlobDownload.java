package dev.berth.image;

import dev.berth.common.AtomicFiles;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * One blob streamed from a registry to its reader (the layer unpacker) and, at the same time, to
 * a partial file {@code blobs/partial/<hex>} kept by digest. The bytes already in a partial file
 * (an interrupted earlier pull, even before a daemon restart) are replayed first and the rest is
 * fetched with a Range request; a connection lost midway is resumed the same way, up to
 * {@code attempts} times. At the end the digest and size are checked: a mismatch deletes the
 * partial file and fails the read, so the unpacked layer is discarded and nothing is kept; a
 * match moves the file into the content store.
 */
final class BlobDownload extends InputStream {
    private final RegistryClient client;
    private final Digest digest;
    private final long size;
    private final Path partial;
    private final Path target;
    private final LongConsumer progress;
    private final int attempts;
    private final Retry retry;
    private final MessageDigest sha = Digest.newSha256();
    private final FileChannel file;
    private InputStream replay;
    private InputStream net;
    private long position;
    private long fetched;
    private boolean done;
    /** Failed reads so far; {@code attempts} of them end the download (Docker's max-download-attempts, per layer). */
    private int failures;

    /** Told before each retry (Docker's "Retrying in N seconds"). */
    interface Retry {
        void retrying(int attempt, long delaySeconds, IOException cause);
    }

    BlobDownload(RegistryClient client, Digest digest, long size, Path partialDir, Path target, int attempts,
            LongConsumer progress, Retry retry) throws IOException {
        this.client = client;
        this.digest = digest;
        this.size = size;
        this.partial = partialDir.resolve(digest.hex());
        this.target = target;
        this.attempts = attempts;
        this.progress = progress;
        this.retry = retry;
        Files.createDirectories(partialDir);
        this.file = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        long have = file.size();
        if (size >= 0 && have > size) {
            file.truncate(0);
            have = 0;
        }
        fetched = have;
        if (have > 0) {
            replay = Files.newInputStream(partial);
        }
        file.position(have);
    }

    /** Bytes that came from a partial file of an earlier attempt (0 if none): what a resume saved. */
    long resumedFrom() {
        return replayLength;
    }

    private long replayLength = -1;
    /** Set by {@link #drainVerified}: the end of the blob verifies it and leaves storing it to this. */
    private Verified verified;

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        if (replayLength < 0) {
            replayLength = fetched;
        }
        if (replay != null) {
            int n = replay.readNBytes(b, off, (int) Math.min(len, fetched - position));
            if (n > 0) {
                sha.update(b, off, n);
                position += n;
                progress.accept(position);
                return n;
            }
            replay.close();
            replay = null;
        }
        while (true) {
            try {
                if (size >= 0 && position >= size) {
                    finish();
                    return -1;
                }
                if (net == null) {
                    open();
                }
                int n = net.read(b, off, len);
                if (n < 0) {
                    finish();
                    return -1;
                }
                if (size >= 0 && position + n > size) {
                    throw fail("filesystem layer verification failed for digest %s: more bytes than the manifest says (%d)",
                            digest, size);
                }
                sha.update(b, off, n);
                ByteBuffer buf = ByteBuffer.wrap(b, off, n);
                while (buf.hasRemaining()) {
                    file.write(buf);
                }
                position += n;
                fetched = position;
                progress.accept(position);
                return n;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                closeNet();
                int attempt = ++failures;
                if (attempt >= attempts) {
                    throw e;
                }
                long delay = Math.min(attempt * 2L, 10);
                retry.retrying(attempt, delay, e);
                try {
                    Thread.sleep(delay * 1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("pull cancelled");
                }
            }
        }
    }

    private void open() throws IOException {
        RegistryClient.BlobBody body = client.blob(digest, position);
        InputStream in = body.in();
        if (body.offset() < position) {
            // The server ignored the Range: skip what we have.
            long skip = position - body.offset();
            while (skip > 0) {
                long s = in.skip(skip);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("blob " + digest + " ended early");
                    }
                    s = 1;
                }
                skip -= s;
            }
        }
        net = in;
    }

    private void finish() throws IOException {
        closeNet();
        Digest actual = Digest.of(sha);
        if ((size >= 0 && position != size) || !actual.equals(digest)) {
            throw fail("filesystem layer verification failed for digest %s", digest);
        }
        if (verified != null) {
            done = true; // the Verified handed out by drainVerified stores it
            return;
        }
        file.force(true);
        file.close();
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.syncDirectory(target.getParent());
        done = true;
    }

    private EngineException fail(String format, Object... args) throws IOException {
        closeNet();
        file.close();
        Files.deleteIfExists(partial);
        return EngineException.invalid(format, args);
    }

    private void closeNet() {
        if (net != null) {
            try {
                net.close();
            } catch (IOException ignored) {
                // a broken connection
            }
            net = null;
        }
    }

    /**
     * Reads the whole blob and checks it, but leaves it in its partial file: the returned
     * {@link Verified} makes it durable (the fsync runs on a thread of its own from here on) and moves
     * it into the content store when told. A 30 MB blob's fsync takes 50-90 ms here; the caller
     * unpacks the blob from {@link Verified#path} meanwhile, instead of after it.
     */
    Verified drainVerified() throws IOException {
        verified = new Verified();
        drain();
        verified.syncing = Thread.ofPlatform().daemon().name("blob-sync-" + digest.hex().substring(0, 12))
                .start(verified::sync);
        return verified;
    }

    /** A blob whose digest and size matched, on its way from its partial file into the content store. */
    final class Verified {
        private Thread syncing;
        private IOException syncFailure; // set by syncing, read after join
        private boolean committed;

        /** Where its bytes are until {@link #commit}: readable, complete, checked. */
        Path path() {
            return partial;
        }

        private void sync() {
            try {
                file.force(true);
            } catch (IOException e) {
                syncFailure = e;
            }
        }

        /**
         * Waits for the fsync, then moves the file into the content store (and syncs its
         * directory): only then does the blob exist there. Once; a failed fsync throws and keeps
         * the partial file, as an interrupted download does.
         */
        void commit() throws IOException {
            if (committed) {
                return;
            }
            committed = true;
            boolean interrupted = false;
            while (true) {
                try {
                    syncing.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // an fsync is short: finish it rather than leave the file half-made
                }
            }
            try {
                file.close();
                if (syncFailure != null) {
                    throw syncFailure;
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                AtomicFiles.syncDirectory(target.getParent());
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Reads what the unpacker left (tar padding, trailing bytes) so that the digest covers everything. */
    void drain() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing and storing
        }
    }

    /** Keeps the partial file for a later resume (a {@link Verified} blob is its commit's to close). */
    @Override
    public void close() throws IOException {
        closeNet();
        if (replay != null) {
            replay.close();
        }
        if (file.isOpen() && !(verified != null && done)) {
            file.force(false);
            file.close();
        }
    }
}
