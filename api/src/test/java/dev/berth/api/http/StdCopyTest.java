package dev.berth.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdCopyTest {
    @Test
    void roundTrip() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        StdCopy.writeFrame(wire, StdCopy.STDOUT, "hello ".getBytes(StandardCharsets.UTF_8), 0, 6);
        OutputStream err = StdCopy.framing(wire, StdCopy.STDERR);
        err.write("oops\n".getBytes(StandardCharsets.UTF_8));
        StdCopy.writeFrame(wire, StdCopy.STDOUT, big, 0, big.length);

        byte[] framed = wire.toByteArray();
        assertThat(framed[0]).isEqualTo((byte) 1);
        assertThat(framed[7]).isEqualTo((byte) 6);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream errOut = new ByteArrayOutputStream();
        StdCopy.demux(new ByteArrayInputStream(framed), out, errOut);
        assertThat(errOut.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        byte[] expected = new byte[6 + big.length];
        System.arraycopy("hello ".getBytes(StandardCharsets.UTF_8), 0, expected, 0, 6);
        System.arraycopy(big, 0, expected, 6, big.length);
        assertThat(out.toByteArray()).isEqualTo(expected);
    }

    @Test
    void systemErrorFrameFails() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] msg = "boom".getBytes(StandardCharsets.UTF_8);
        StdCopy.writeFrame(wire, StdCopy.SYSTEMERR, msg, 0, msg.length);
        assertThatThrownBy(() -> StdCopy.demux(new ByteArrayInputStream(wire.toByteArray()),
                        OutputStream.nullOutputStream(), OutputStream.nullOutputStream()))
                .isInstanceOf(IOException.class)
                .hasMessage("boom");
    }

    @Test
    void truncatedPayloadFails() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        StdCopy.writeFrame(wire, StdCopy.STDOUT, new byte[10], 0, 10);
        byte[] cut = java.util.Arrays.copyOf(wire.toByteArray(), 12);
        assertThatThrownBy(() -> StdCopy.demux(new ByteArrayInputStream(cut),
                        OutputStream.nullOutputStream(), OutputStream.nullOutputStream()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void flushesOnlyWhenInputRunsDryOrTheStreamSwitches() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            byte[] line = ("line" + i + "\n").getBytes(StandardCharsets.UTF_8);
            StdCopy.writeFrame(wire, StdCopy.STDOUT, line, 0, line.length);
        }
        byte[] e = "err\n".getBytes(StandardCharsets.UTF_8);
        StdCopy.writeFrame(wire, StdCopy.STDERR, e, 0, e.length);
        byte[] last = "last\n".getBytes(StandardCharsets.UTF_8);
        StdCopy.writeFrame(wire, StdCopy.STDOUT, last, 0, last.length);

        ByteArrayOutputStream terminal = new ByteArrayOutputStream(); // both streams end up on one screen
        int[] flushes = new int[1];
        class Buffered extends java.io.BufferedOutputStream {
            Buffered() {
                super(terminal, 1 << 16);
            }

            @Override
            public void flush() throws IOException {
                flushes[0]++;
                super.flush();
            }
        }
        StdCopy.demux(new ByteArrayInputStream(wire.toByteArray()), new Buffered(), new Buffered());
        String screen = terminal.toString(StandardCharsets.UTF_8);
        assertThat(screen).startsWith("line0\nline1\n").endsWith("line999\nerr\nlast\n");
        assertThat(flushes[0]).as("not one flush per frame").isLessThan(10);
    }
}
