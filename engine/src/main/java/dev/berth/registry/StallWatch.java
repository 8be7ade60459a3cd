package dev.berth.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A response body that fails when the registry stops sending: the JDK's HTTP client waits forever
 * for a body's next bytes. Only time spent blocked in a read counts (a slow consumer is not a
 * stalled registry); one daemon thread looks at every open body four times a second and closes a
 * stalled one, which ends the blocked read; the reader then gets an IOException saying why (a
 * plain one: the download counts it as a failed attempt and resumes with a Range request).
 */
final class StallWatch extends FilterInputStream {
    private static final Set<StallWatch> OPEN = ConcurrentHashMap.newKeySet();
    private static final long CHECK_MILLIS = 250;
    private static volatile Thread checker;

    private final long timeoutNanos;
    private final String what;
    /** System.nanoTime() when the pending read began, 0 when no read is pending. */
    private volatile long readingSince;
    private volatile boolean stalled;

    private StallWatch(InputStream in, Duration timeout, String what) {
        super(in);
        this.timeoutNanos = timeout.toNanos();
        this.what = what;
    }

    /** {@code in}, failing once a read has waited longer than {@code timeout}; {@code what} names the request in the error. */
    static InputStream watch(InputStream in, Duration timeout, String what) {
        StallWatch w = new StallWatch(in, timeout, what);
        OPEN.add(w);
        startChecker();
        return w;
    }

    @Override
    public int read() throws IOException {
        return watched(in::read);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return watched(() -> in.read(b, off, len));
    }

    private interface Read {
        int run() throws IOException;
    }

    private int watched(Read read) throws IOException {
        readingSince = System.nanoTime() | 1; // never 0 while reading
        try {
            int n = read.run();
            if (stalled) {
                throw stall(null);
            }
            return n;
        } catch (IOException e) {
            throw stalled ? stall(e) : e;
        } finally {
            readingSince = 0;
        }
    }

    private IOException stall(IOException cause) {
        return new IOException(what + ": the registry sent nothing for " + Duration.ofNanos(timeoutNanos).toSeconds()
                + "s (registry-read-timeout)", cause);
    }

    @Override
    public void close() throws IOException {
        OPEN.remove(this);
        super.close();
    }

    private static void startChecker() {
        if (checker != null) {
            return;
        }
        synchronized (StallWatch.class) {
            if (checker == null) {
                checker = Thread.ofPlatform().daemon().name("registry-stall-watch").start(StallWatch::checkForever);
            }
        }
    }

    private static void checkForever() {
        while (true) {
            try {
                Thread.sleep(CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (StallWatch w : OPEN) {
                long since = w.readingSince;
                if (since != 0 && now - since > w.timeoutNanos) {
                    w.stalled = true;
                    OPEN.remove(w);
                    try {
                        w.in.close(); // wakes the blocked read
                    } catch (IOException ignored) {
                        // it is being abandoned either way
                    }
                }
            }
        }
    }
}
