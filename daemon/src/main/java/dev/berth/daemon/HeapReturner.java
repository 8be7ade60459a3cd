package dev.berth.daemon;

import java.lang.ref.WeakReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap that a burst of work grew back to the system once the daemon is quiet. A save,
 * load or pull streams hundreds of MiB through buffers; with the serial collector the young
 * collections promote what is still referenced at that moment, the old generation fills with it,
 * the heap grows (8 → 57 MiB committed after three 200 MiB load/save rounds here) and only a full
 * collection, which idle berthd never has, would shrink it. RSS stayed at ~130 MiB instead of the
 * ~80 of a fresh daemon. So: at every look ({@link #PERIOD_MILLIS}), if nothing was allocated
 * since the last one (no collection ran, the used heap barely moved) and the heap is well above its
 * size after the last full collection, collect once ({@code -XX:-ShrinkHeapInSteps} in the
 * launcher lets one collection shrink it to the live set plus {@code MaxHeapFreeRatio}).
 */
final class HeapReturner implements AutoCloseable {
    /** How much the heap must have grown past its last trimmed size to be worth a full collection. */
    static final long SLACK_BYTES = 16L << 20;
    /**
     * How often it looks: the heap comes back one to two periods after the last request. With 5 s it
     * stayed grown for 6-9 s after three save/load rounds here; the JVM wakes every 2 s anyway to
     * trim the C heap ({@code TrimNativeHeapInterval} in the launcher).
     */
    private static final long PERIOD_MILLIS = 2_000;
    /** How much allocation between two looks still counts as quiet (timers, the exit watcher). */
    static final long QUIET_BYTES = 1L << 20;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-returner");
        t.setDaemon(true);
        return t;
    });
    private final Runtime runtime = Runtime.getRuntime();
    private long trimmedCommitted = runtime.totalMemory();
    private long lastUsed = used();
    private WeakReference<Object> collectionSentinel = new WeakReference<>(new Object());

    void start() {
        timer.scheduleWithFixedDelay(this::look, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void look() {
        boolean collected = collectionSentinel.get() == null;
        long used = used();
        if (shouldCollect(collected, used - lastUsed, runtime.totalMemory(), trimmedCommitted)) {
            System.gc();
            trimmedCommitted = runtime.totalMemory();
            used = used();
        }
        lastUsed = used;
        collectionSentinel = new WeakReference<>(new Object());
    }

    /**
     * Whether a full collection would give memory back now: the daemon was quiet since the last
     * look (no collection ran, less than {@link #QUIET_BYTES} allocated) and the heap is more than
     * {@link #SLACK_BYTES} above its size after the last trim.
     */
    static boolean shouldCollect(boolean collectedSinceLastLook, long allocatedSinceLastLook, long committed,
            long committedAfterLastTrim) {
        return !collectedSinceLastLook && allocatedSinceLastLook < QUIET_BYTES
                && committed > committedAfterLastTrim + SLACK_BYTES;
    }

    private long used() {
        return runtime.totalMemory() - runtime.freeMemory();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
