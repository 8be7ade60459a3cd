package dev.berth.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.sys.SeqPacketSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AttachSessionTest {
    /** Records writes per stream and how many bytes each flush pushed out. */
    private static final class RecordingSink implements StreamSink {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final List<Integer> flushes = new ArrayList<>();
        final CompletableFuture<Void> firstFlush = new CompletableFuture<>();
        private int pending;

        @Override
        public synchronized void write(int stream, byte[] data, int off, int len) {
            (stream == STDOUT ? stdout : stderr).write(data, off, len);
            pending += len;
        }

        @Override
        public synchronized void flush() {
            flushes.add(pending);
            pending = 0;
            firstFlush.complete(null);
        }
    }

    @Test
    void queuedOutputLeavesInOneFlushAndStreamsStayApart() throws Exception {
        SeqPacketSocket[] ends = SeqPacketSocket.pair();
        SeqPacketSocket conmon = ends[0];
        AttachSession session = new AttachSession(ends[1], true, true, new byte[0]);
        for (int i = 0; i < 100; i++) {
            conmon.send(packet(2, "line " + i + "\n"), 0, packet(2, "line " + i + "\n").length);
        }
        conmon.send(packet(3, "oops\n"), 0, 6);
        conmon.close();
        RecordingSink sink = new RecordingSink();
        session.pumpOutput(sink);
        session.close();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertThat(sink.stdout.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        assertThat(sink.stderr.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        // 101 packets were waiting: they go out together, not one flush (one write to the client) each
        assertThat(sink.flushes).hasSizeLessThanOrEqualTo(2);
        assertThat(sink.flushes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(expected.length() + 5);
    }

    @Test
    void outputIsFlushedBeforeThePumpWaitsForMore() throws Exception {
        SeqPacketSocket[] ends = SeqPacketSocket.pair();
        SeqPacketSocket conmon = ends[0];
        AttachSession session = new AttachSession(ends[1], true, true, new byte[0]);
        RecordingSink sink = new RecordingSink();
        Thread pump = Thread.ofPlatform().start(() -> {
            try {
                session.pumpOutput(sink);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] prompt = packet(2, "$ ");
        conmon.send(prompt, 0, prompt.length);
        // an interactive prompt reaches the client while the container sends nothing more
        sink.firstFlush.get(5, TimeUnit.SECONDS);
        synchronized (sink) {
            assertThat(sink.stdout.toString(StandardCharsets.UTF_8)).isEqualTo("$ ");
            assertThat(sink.flushes).containsExactly(2);
        }
        conmon.close();
        pump.join(5000);
        assertThat(pump.isAlive()).isFalse();
        session.close();
    }

    private static byte[] packet(int pipe, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[t.length + 1];
        p[0] = (byte) pipe;
        System.arraycopy(t, 0, p, 1, t.length);
        return p;
    }
}
