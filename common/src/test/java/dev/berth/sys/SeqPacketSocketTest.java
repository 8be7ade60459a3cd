package dev.berth.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SeqPacketSocketTest {
    @Test
    void receivesPacketByPacketAndSaysWhenNoneIsQueued() throws Exception {
        SeqPacketSocket[] ends = SeqPacketSocket.pair();
        try (SeqPacketSocket a = ends[0]; SeqPacketSocket b = ends[1]) {
            byte[] dst = new byte[64];
            assertThat(b.receive(dst, false)).isEqualTo(SeqPacketSocket.NONE_READY);
            a.send(bytes("one"), 0, 3);
            a.send(bytes("second"), 0, 6);
            assertThat(b.receive(dst, false)).isEqualTo(3);
            assertThat(new String(dst, 0, 3, StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(b.receive(dst, true)).isEqualTo(6);
            assertThat(new String(dst, 0, 6, StandardCharsets.UTF_8)).isEqualTo("second");
            assertThat(b.receive(dst, false)).isEqualTo(SeqPacketSocket.NONE_READY);
        }
    }

    @Test
    void aPacketLongerThanTheBufferIsCutAndTheNextOneIsWhole() throws Exception {
        SeqPacketSocket[] ends = SeqPacketSocket.pair();
        try (SeqPacketSocket a = ends[0]; SeqPacketSocket b = ends[1]) {
            byte[] big = new byte[100];
            Arrays.fill(big, (byte) 'x');
            a.send(big, 0, big.length);
            a.send(bytes("ok"), 0, 2);
            byte[] dst = new byte[10];
            assertThat(b.receive(dst, true)).isEqualTo(10);
            assertThat(b.receive(dst, true)).isEqualTo(2);
            assertThat(new String(dst, 0, 2, StandardCharsets.UTF_8)).isEqualTo("ok");
        }
    }

    @Test
    void endOfStreamOnceThePeerIsGoneOrTheSocketIsClosed() throws Exception {
        SeqPacketSocket[] ends = SeqPacketSocket.pair();
        try (SeqPacketSocket b = ends[1]) {
            ends[0].send(bytes("last"), 0, 4);
            ends[0].close();
            byte[] dst = new byte[16];
            assertThat(b.receive(dst, true)).isEqualTo(4);
            assertThat(b.receive(dst, true)).isEqualTo(SeqPacketSocket.END);
            assertThat(b.receive(dst, false)).isEqualTo(SeqPacketSocket.END);
        }
        SeqPacketSocket[] other = SeqPacketSocket.pair();
        try (SeqPacketSocket a = other[0]) {
            // a blocked reader returns END when its own socket is closed (a client that detached)
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                other[1].close();
            });
            assertThat(other[1].receive(new byte[16], true)).isEqualTo(SeqPacketSocket.END);
            closer.join();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
