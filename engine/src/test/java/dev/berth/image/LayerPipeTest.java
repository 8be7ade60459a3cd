package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerPipeTest {
    @TempDir
    Path tmp;

    private final AtomicInteger spools = new AtomicInteger();
    private final ConcurrentLinkedQueue<byte[]> pool = new ConcurrentLinkedQueue<>();

    private LayerPipe pipe() {
        return new LayerPipe(() -> {
            spools.incrementAndGet();
            return Files.createFile(tmp.resolve("spool-" + spools.get()));
        }, pool);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private long filesLeft() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.count();
        }
    }

    /** A worker that keeps up gets every byte through memory: no spool file. */
    @Test
    void aWorkerThatKeepsUpNeedsNoSpool() throws Exception {
        byte[] data = random(LayerPipe.BUFFER * 9 + 123);
        LayerPipe p = pipe();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> got = ex.submit(() -> {
                try (InputStream in = p.input()) {
                    return in.readAllBytes();
                }
            });
            p.fill(new ByteArrayInputStream(data), data.length);
            assertThat(got.get(60, TimeUnit.SECONDS)).isEqualTo(data);
        }
        assertThat(spools.get()).isZero();
        assertThat(pool).hasSizeLessThanOrEqualTo(LayerPipe.BUFFERS).isNotEmpty(); // given back for the next pipe
    }

    /**
     * A worker that takes nothing while the buffers are full does not hold the reader up: the rest
     * goes to a spool file, the reader returns, and the worker still reads every byte in order.
     */
    @Test
    void aStalledWorkerMakesTheRestGoToASpoolFile() throws Exception {
        byte[] data = random(LayerPipe.BUFFER * 10 + 77);
        LayerPipe p = pipe();
        CountDownLatch readerDone = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> got = ex.submit(() -> {
                try (InputStream in = p.input()) {
                    byte[] first = in.readNBytes(10);
                    assertThat(readerDone.await(60, TimeUnit.SECONDS)).isTrue(); // stalled until the reader is through
                    byte[] rest = in.readAllBytes();
                    byte[] all = Arrays.copyOf(first, first.length + rest.length);
                    System.arraycopy(rest, 0, all, first.length, rest.length);
                    return all;
                }
            });
            p.fill(new ByteArrayInputStream(data), data.length);
            readerDone.countDown();
            assertThat(got.get(60, TimeUnit.SECONDS)).isEqualTo(data);
        }
        assertThat(spools.get()).isEqualTo(1);
        assertThat(filesLeft()).as("spool file deleted").isZero();
    }

    /** A worker that gives up (the file is no layer) lets the reader through, and nothing is left. */
    @Test
    void aWorkerThatStopsReadingReleasesTheReader() throws Exception {
        byte[] data = random(LayerPipe.BUFFER * 12);
        LayerPipe p = pipe();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> got = ex.submit(() -> {
                try (InputStream in = p.input()) {
                    return in.readNBytes(1000);
                }
            });
            p.fill(new ByteArrayInputStream(data), data.length); // returns once the worker is gone
            assertThat(got.get(60, TimeUnit.SECONDS)).isEqualTo(Arrays.copyOf(data, 1000));
        }
        assertThat(filesLeft()).isZero();
    }

    /** A truncated archive fails the reader, and the worker's read with it (after what did arrive). */
    @Test
    void aFailingReaderFailsTheWorker() throws Exception {
        byte[] data = random(LayerPipe.BUFFER * 2 + 5);
        LayerPipe p = pipe();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> got = ex.submit(() -> {
                try (InputStream in = p.input()) {
                    return in.readAllBytes();
                }
            });
            assertThatThrownBy(() -> p.fill(new ByteArrayInputStream(data), data.length + 1000))
                    .isInstanceOf(EOFException.class);
            assertThatThrownBy(() -> got.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("reading the archive failed");
        }
        assertThat(filesLeft()).isZero();
    }
}
