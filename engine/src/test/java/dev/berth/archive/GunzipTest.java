package dev.berth.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GunzipTest {
    @TempDir
    Path tmp;

    /** Half incompressible (stored blocks), half text (Huffman-coded blocks), as real layers are. */
    private static byte[] sample(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        byte[] text = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = size / 2; i < size; i++) {
            b[i] = text[i % text.length];
        }
        return b;
    }

    private Path gzip(String name, byte[]... members) throws Exception {
        return Files.write(tmp.resolve(name), TestTar.gzip(members));
    }

    private static Optional<byte[]> inflate(Path blob) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Optional<InputStream> in = Gunzip.open(blob, arena, n -> { });
            if (in.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream s = in.get()) {
                assertThat(s).isInstanceOf(Compression.Decompressed.class);
                return Optional.of(s.readAllBytes());
            }
        }
    }

    @Test
    void libdeflateIsThere() {
        assertThat(Gunzip.available()).as("libdeflate0 (Makefile APT_PACKAGES) loads through java.lang.foreign").isTrue();
    }

    @Test
    void inflatesAWholeGzipBlobToTheSameBytesAsZlib() throws Exception {
        byte[] data = sample(3 << 20);
        assertThat(inflate(gzip("one.gz", data))).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
        assertThat(inflate(gzip("empty.gz", new byte[0]))).hasValueSatisfying(b -> assertThat(b).isEmpty());
    }

    @Test
    void leavesToTheStreamingPathWhatItCannotDoWhole() throws Exception {
        byte[] data = sample(1 << 20);
        // several members: Go's and Java's readers read them all, libdeflate only the first
        assertThat(inflate(gzip("two.gz", data, data))).isEmpty();
        // corrupt deflate data: the streaming path reports it in its words
        Path bad = gzip("bad.gz", data);
        byte[] b = Files.readAllBytes(bad);
        for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
            b[i] ^= 0x55;
        }
        Files.write(bad, b);
        assertThat(inflate(bad)).isEmpty();
        // not gzip at all
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (ZstdOutputStream zs = new ZstdOutputStream(z)) {
            zs.write(data);
        }
        assertThat(inflate(Files.write(tmp.resolve("z.zst"), z.toByteArray()))).isEmpty();
        assertThat(inflate(Files.write(tmp.resolve("plain"), data))).isEmpty();
    }

    @Test
    void closingGivesTheMemoryBudgetBack() throws Exception {
        // 40 x 32 MiB is more than the budget: only works if each close returns its share
        Path big = gzip("big.gz", new byte[32 << 20]);
        for (int i = 0; i < 40; i++) {
            assertThat(inflate(big)).as("round %d", i).isPresent();
        }
    }
}
