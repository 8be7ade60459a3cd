package dev.berth.container;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Monitors (conmons) spawned when a container is created, each waiting on its start pipe for the
 * container's first start. conmon's own start-up (its exec and a dozen libraries: ~10 ms here,
 * where a page fault costs ~11 µs) then runs while the client reads the create reply and sends the
 * start, instead of on the start's path. A conmon that waits has started nothing: discarding it is
 * a SIGKILL. Bounded in number and in age, so that a create never followed by a start (or a burst
 * of creates) holds no more than a few idle processes for a few seconds.
 *
 * @param <T> what a spawn returns (a {@code Conmon.Launch})
 */
final class WarmMonitors<T> implements AutoCloseable {
    private final ConcurrentHashMap<String, CompletableFuture<T>> byId = new ConcurrentHashMap<>();
    private final Consumer<T> kill;
    private final int maxWaiting;
    private final long maxAgeMillis;
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warm-conmon-expiry");
        t.setDaemon(true);
        return t;
    });

    /** {@code kill} ends a waiting monitor that will not be used. */
    WarmMonitors(Consumer<T> kill, int maxWaiting, long maxAgeMillis) {
        this.kill = kill;
        this.maxWaiting = maxWaiting;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** Spawns, off the caller's thread, the monitor of a container just created (unless enough wait). */
    void offer(String id, Callable<T> spawn) {
        if (byId.size() >= maxWaiting) {
            return;
        }
        CompletableFuture<T> launch = new CompletableFuture<>();
        if (byId.putIfAbsent(id, launch) != null) {
            return;
        }
        Thread.ofVirtual().name("warm-conmon").start(() -> {
            try {
                launch.complete(spawn.call());
            } catch (Exception | Error e) {
                launch.completeExceptionally(e);
            }
        });
        expiry.schedule(() -> discard(id), maxAgeMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * The waiting monitor of a container, now the caller's to use or kill; empty if none was
     * spawned, it expired, or its spawn failed (the caller then spawns one).
     */
    Optional<T> take(String id) {
        CompletableFuture<T> launch = byId.remove(id);
        if (launch == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(launch.join());
        } catch (CompletionException e) {
            return Optional.empty();
        }
    }

    /**
     * Kills the waiting monitor of a container (removed, renamed, expired), if it has one: at once,
     * or once spawned if it is still spawning. Completes when it is killed.
     */
    CompletableFuture<Void> discard(String id) {
        CompletableFuture<T> launch = byId.remove(id);
        return launch == null ? CompletableFuture.completedFuture(null) : launch.thenAccept(kill);
    }

    /** Ids of the containers whose monitor waits. */
    List<String> waiting() {
        return List.copyOf(byId.keySet());
    }

    /** Kills every waiting monitor: berthd stops, and a conmon left waiting would outlive it. */
    @Override
    public void close() {
        for (String id : List.copyOf(byId.keySet())) {
            try {
                discard(id).join();
            } catch (CompletionException e) {
                // its spawn failed: nothing runs
            }
        }
        expiry.shutdownNow();
    }
}
