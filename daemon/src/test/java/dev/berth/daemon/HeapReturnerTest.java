package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapReturnerTest {
    private static final long MIB = 1L << 20;

    @Test
    void collectsOnlyAQuietDaemonWhoseHeapGrew() {
        assertThat(HeapReturner.shouldCollect(false, 0, 57 * MIB, 8 * MIB)).as("quiet, grown").isTrue();
        assertThat(HeapReturner.shouldCollect(true, 0, 57 * MIB, 8 * MIB)).as("a collection ran: still busy").isFalse();
        assertThat(HeapReturner.shouldCollect(false, 30 * MIB, 57 * MIB, 8 * MIB)).as("allocating").isFalse();
        assertThat(HeapReturner.shouldCollect(false, -20 * MIB, 57 * MIB, 8 * MIB)).as("used fell: quiet").isTrue();
        assertThat(HeapReturner.shouldCollect(false, 0, 20 * MIB, 8 * MIB)).as("not grown enough").isFalse();
    }
}
