package dev.berth.image;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Threads for unpacking layers. Platform threads, not virtual ones: inflating, hashing and
 * writing a layer is CPU-bound, and a virtual thread keeps its carrier until it blocks, so on a
 * 2-core machine two unpacking layers held both carriers and every other virtual thread of
 * berthd waited: API requests (a {@code _ping} took up to 0.8 s during a pull of the bench
 * image, 20 ms otherwise) and the pull's own next download. The kernel shares cores fairly
 * between platform threads.
 */
final class Unpackers {
    private Unpackers() {}

    /** A new thread per task, named {@code <name>-<n>}; closing it waits for every task. */
    static ExecutorService newExecutor(String name) {
        return Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name(name + "-", 0).daemon(true).factory());
    }
}
