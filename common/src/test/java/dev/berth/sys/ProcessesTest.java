package dev.berth.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessesTest {
    @Test
    void pollWithAnUnboundedTimeoutWaitsForData() throws Exception {
        int[] p = Processes.pipe();
        try {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                    Processes.write(p[1], new byte[] {42});
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Long.MAX_VALUE / 4 ms overflowed to "no time left" once; it must mean "wait".
            assertThat(Processes.pollIn(p[0], Long.MAX_VALUE / 4)).isTrue();
            assertThat(Processes.read(p[0], 1)).containsExactly(42);
            writer.join();
        } finally {
            Processes.close(p[0]);
            Processes.close(p[1]);
        }
    }

    @Test
    void pollTimesOutWhenNothingArrives() throws Exception {
        int[] p = Processes.pipe();
        try {
            assertThat(Processes.pollIn(p[0], 50)).isFalse();
        } finally {
            Processes.close(p[0]);
            Processes.close(p[1]);
        }
    }
}
