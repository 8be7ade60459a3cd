package dev.berth.sys;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a blocking native call off virtual threads. A foreign-function downcall that blocks (recv,
 * poll, read, waitpid) pins the carrier thread under the virtual thread; the scheduler has one
 * carrier per core, so on a 2-core host two attach sessions waiting for output used to starve
 * every other request of the daemon. From a platform thread the call runs in place.
 */
public final class Blocking {
    private static final ExecutorService POOL =
            Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("berth-blocking-", 0).factory());

    private Blocking() {}

    /** A call that may block in native code. */
    public interface Call<T> {
        T call() throws IOException;
    }

    public static <T> T call(Call<T> call) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> f = POOL.submit(call::call);
        try {
            return f.get(); // parks the virtual thread, freeing its carrier
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a native call");
        }
    }
}
