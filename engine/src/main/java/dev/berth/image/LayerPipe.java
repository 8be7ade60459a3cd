package dev.berth.image;

import dev.berth.common.BulkInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One file of an archive on its way from the thread reading the archive to the worker unpacking
 * it, without a trip through the disk while the worker keeps up: the reader hands over buffers
 * (at most {@value #BUFFERS} of {@value #BUFFER} bytes are held), and waits while they are full
 * and the worker is taking them. If the worker takes nothing for {@value #STALL_MS} ms while the
 * buffers are full (it is slow, or blocked), the rest of the file goes to a spool file instead, so
 * that the reader moves on to the next file and several unpack at once; the worker reads the
 * buffers, then the spool as it grows. The spool file is deleted when both ends are done. Buffers
 * come from, and go back to, a pool shared by the pipes of one load (a young collection per
 * buffer of a small heap, copying it, cost more than the spool file saved).
 *
 * <p>The reader calls {@link #fill} once; the worker reads {@link #input()} and closes it, which
 * also tells the reader to stop handing over (the rest of the file is skipped). A reader that
 * fails passes its error on: the worker's next read throws it.
 */
final class LayerPipe {
    static final int BUFFER = 1 << 20;
    static final int BUFFERS = 4;
    static final long STALL_MS = 250;

    /** Where the spool file comes from (the layer store's temp files: removed at start after a crash). */
    @FunctionalInterface
    interface SpoolFiles {
        Path create() throws IOException;
    }

    private final SpoolFiles spoolFiles;
    /** Buffers shared by the pipes of one load: taken from here first, given back when a pipe is done. */
    private final Queue<byte[]> pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> full = new ArrayDeque<>();
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private int allocated;
    private long taken; // buffers the worker has emptied so far
    private Path spool;
    private long spooled; // bytes in the spool file that the worker may read
    private boolean finished;
    private IOException failure;
    private boolean readerDone;
    private boolean workerDone;

    LayerPipe(SpoolFiles spoolFiles, Queue<byte[]> pool) {
        this.spoolFiles = spoolFiles;
        this.pool = pool;
    }

    /**
     * Reads {@code size} bytes from {@code content} and hands them over; returns when all are
     * handed over or spooled (or the worker stopped reading). A short or failing {@code content}
     * fails the worker's read too.
     */
    void fill(InputStream content, long size) throws IOException {
        FileChannel out = null;
        try {
            long left = size;
            while (left > 0) {
                if (out != null && workerGone()) {
                    return; // spooling for nobody: the rest of the entry is skipped by the tar reader
                }
                byte[] buf = out == null ? buffer() : null;
                if (buf == null && out == null) {
                    if (workerGone()) {
                        return;
                    }
                    out = spill();
                }
                byte[] b = buf != null ? buf : spillBuffer();
                int n = content.readNBytes(b, 0, (int) Math.min(b.length, left));
                if (n == 0) {
                    throw new EOFException("truncated archive entry");
                }
                left -= n;
                if (buf != null) {
                    hand(ByteBuffer.wrap(buf, 0, n));
                } else {
                    ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    spooledMore(n);
                }
            }
            lock.lock();
            try {
                finished = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                failure = e instanceof IOException io ? io : new IOException(e);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        } finally {
            if (out != null) {
                out.close();
            }
            lock.lock();
            try {
                readerDone = true;
            } finally {
                lock.unlock();
            }
            deleteSpoolIfDone();
        }
    }

    private byte[] spillBuffer;

    private byte[] spillBuffer() {
        if (spillBuffer == null) {
            spillBuffer = new byte[BUFFER];
        }
        return spillBuffer;
    }

    /**
     * An empty buffer for the reader to fill; null if the worker has gone or took nothing for
     * {@value #STALL_MS} ms while all buffers were full (then the rest is spooled).
     */
    private byte[] buffer() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (workerDone) {
                    return null;
                }
                if (!free.isEmpty()) {
                    return free.poll();
                }
                if (allocated < BUFFERS) {
                    allocated++;
                    byte[] b = pool.poll();
                    return b != null ? b : new byte[BUFFER];
                }
                long before = taken;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
                while (taken == before && free.isEmpty() && !workerDone) {
                    long wait = deadline - System.nanoTime();
                    if (wait <= 0) {
                        return null; // the worker is stalled: spool the rest
                    }
                    try {
                        changed.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("load cancelled");
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean workerGone() {
        lock.lock();
        try {
            return workerDone;
        } finally {
            lock.unlock();
        }
    }

    private void hand(ByteBuffer b) {
        lock.lock();
        try {
            if (!workerDone) {
                full.add(b);
                changed.signalAll();
            } else {
                pool.add(b.array());
            }
        } finally {
            lock.unlock();
        }
    }

    private FileChannel spill() throws IOException {
        Path p = spoolFiles.create();
        FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE);
        lock.lock();
        try {
            spool = p;
        } finally {
            lock.unlock();
        }
        return ch;
    }

    private void spooledMore(int n) {
        lock.lock();
        try {
            spooled += n;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void deleteSpoolIfDone() throws IOException {
        Path doomed = null;
        lock.lock();
        try {
            if (readerDone && workerDone && spool != null) {
                doomed = spool;
                spool = null;
            }
        } finally {
            lock.unlock();
        }
        if (doomed != null) {
            Files.deleteIfExists(doomed);
        }
    }

    /** What the worker reads: the file's bytes in order; closing it says the worker is done. */
    InputStream input() {
        return new BulkInputStream() {
            private FileChannel in;
            private long pos; // in the spool file

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                long available;
                Path from;
                lock.lock();
                try {
                    while (true) {
                        ByteBuffer head = full.peek();
                        if (head != null) {
                            int n = Math.min(len, head.remaining());
                            head.get(b, off, n);
                            if (!head.hasRemaining()) {
                                full.poll();
                                free.add(head.array());
                                taken++;
                                changed.signalAll();
                            }
                            return n;
                        }
                        if (spool != null && pos < spooled) {
                            available = spooled - pos;
                            from = spool;
                            break;
                        }
                        if (failure != null) {
                            throw new IOException("reading the archive failed: " + failure.getMessage(), failure);
                        }
                        if (finished) {
                            return -1;
                        }
                        try {
                            changed.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("load cancelled");
                        }
                    }
                } finally {
                    lock.unlock();
                }
                if (in == null) {
                    in = FileChannel.open(from, StandardOpenOption.READ);
                }
                int n = in.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available)), pos);
                if (n < 0) {
                    throw new EOFException("spool file shrank");
                }
                pos += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                try {
                    if (in != null) {
                        in.close();
                    }
                } finally {
                    lock.lock();
                    try {
                        workerDone = true;
                        for (ByteBuffer b : full) {
                            free.add(b.array());
                        }
                        full.clear();
                        pool.addAll(free); // the reader takes no more: buffer() returns null from now on
                        free.clear();
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    deleteSpoolIfDone();
                }
            }
        };
    }
}
