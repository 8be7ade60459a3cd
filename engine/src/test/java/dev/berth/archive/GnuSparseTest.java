package dev.berth.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.common.EngineException;
import dev.berth.store.LayerStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GNU sparse files as GNU tar writes them (old GNU headers with extension blocks, PAX 0.0, 0.1
 * and 1.0): unpacked with holes and the right content and size, rebuilt byte for byte from the
 * tar-split metadata, and hostile maps refused.
 */
class GnuSparseTest {
    @TempDir
    Path tmp;
    Path src;

    /** Files with holes made as a user would: truncate, and dd writing at offsets. */
    @BeforeEach
    void files() throws Exception {
        src = Files.createDirectory(tmp.resolve("src"));
        StringBuilder sh = new StringBuilder("set -e; cd " + src + "; truncate -s 3M many; ");
        for (int i = 0; i < 30; i++) { // 30 data runs: more than the 4 an old GNU header holds
            sh.append("printf 'data-").append(i).append("' | dd of=many bs=1 seek=").append(i * 65536 + 100)
                    .append(" conv=notrunc status=none; ");
        }
        sh.append("truncate -s 5M holes; "); // nothing but a hole
        sh.append("truncate -s 2M tail; printf end | dd of=tail bs=1 seek=2097149 conv=notrunc status=none; ");
        sh.append("echo plain > plain");
        run("bash", "-c", sh.toString());
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    /** Blocks (of 512 bytes) the file system allocated to {@code p}. */
    private static long blocks(Path p) throws Exception {
        return Long.parseLong(run("stat", "-c", "%b", p.toString()).trim());
    }

    private byte[] gnuTar(String format) throws Exception {
        Path tar = tmp.resolve("sparse-" + format + ".tar");
        List<String> cmd = new ArrayList<>(List.of("tar", "--sparse", "-C", src.toString(), "-cf", tar.toString()));
        cmd.addAll(format.equals("gnu") ? List.of("--format=gnu") : List.of("--format=pax", "--sparse-version=" + format));
        cmd.addAll(List.of("many", "holes", "tail", "plain"));
        run(cmd.toArray(String[]::new));
        return Files.readAllBytes(tar);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "0.0", "0.1", "1.0"})
    void unpacksWithHolesAndRebuildsTheTarByteForByte(String format) throws Exception {
        byte[] tar = gnuTar(format);
        LayerStore store = new LayerStore(Files.createDirectory(tmp.resolve("store")));
        LayerStore.Layer layer = store.unpack(Optional.empty(), new ByteArrayInputStream(tar));
        for (String f : List.of("many", "holes", "tail", "plain")) {
            Path out = layer.diffDir().resolve(f);
            assertThat(Files.size(out)).as(f).isEqualTo(Files.size(src.resolve(f)));
            assertThat(Files.mismatch(out, src.resolve(f))).as(f).isEqualTo(-1L);
            // holes, not zeros: at most the source's blocks, and one block more where a hole ends the file
            assertThat(blocks(out)).as(f + " blocks").isLessThanOrEqualTo(blocks(src.resolve(f)) + 8);
        }
        assertThat(blocks(layer.diffDir().resolve("holes"))).isLessThanOrEqualTo(8);
        assertThat(layer.size()).isEqualTo((3L << 20) + (5L << 20) + (2L << 20) + 6);
        try (var in = store.openTar(layer.chainId()).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(tar);
        }
        assertThat(store.originalTarSize(layer.chainId())).contains((long) tar.length);
        // a plain reader sees the whole files, holes as zeros
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (TarEntry e = r.next(); e != null; e = r.next()) {
            assertThat(r.content().readAllBytes()).as(e.name()).isEqualTo(Files.readAllBytes(src.resolve(e.name())));
        }
    }

    /** A PAX 0.1 sparse file: {@code map} for a file of {@code realSize} bytes storing {@code data}. */
    private static byte[] pax01(String map, long realSize, String data) {
        return new TestTar().pax("GNU.sparse.map", map.getBytes(StandardCharsets.US_ASCII))
                .pax("GNU.sparse.size", Long.toString(realSize).getBytes(StandardCharsets.US_ASCII))
                .file("f", data, 0644).bytes();
    }

    private void refused(byte[] tar, String message) {
        Path root = tmp.resolve("root-" + System.nanoTime());
        assertThatThrownBy(() -> {
            Files.createDirectory(root);
            TarExtractor.extract(new ByteArrayInputStream(tar), root);
        }).isInstanceOf(EngineException.class).hasMessageContaining(message);
    }

    @Test
    void hostileOrInconsistentMapsAreRefused() throws Exception {
        // sane: two fragments in a file of 100 bytes
        Path ok = Files.createDirectory(tmp.resolve("ok"));
        TarExtractor.extract(new ByteArrayInputStream(pax01("10,2,90,3", 100, "abcde")), ok);
        byte[] want = new byte[100];
        want[10] = 'a';
        want[11] = 'b';
        want[90] = 'c';
        want[91] = 'd';
        want[92] = 'e';
        assertThat(Files.readAllBytes(ok.resolve("f"))).isEqualTo(want);

        refused(pax01("10,2,99,3", 100, "abcde"), "points past the file's size");
        refused(pax01("10,2,9223372036854775800,3", 100, "abcde"), "points past the file's size");
        refused(pax01("10,4,12,1", 100, "abcde"), "overlap or are out of order");
        refused(pax01("50,2,10,3", 100, "abcde"), "overlap or are out of order");
        refused(pax01("10,2,90,2", 100, "abcde"), "accounts for 4 bytes, the entry stores 5");
        refused(pax01("10,2,90", 100, "abcde"), "malformed GNU sparse map");
        refused(pax01("10,-2", 100, "abcde"), "malformed number");
        // 0.0's records must alternate offset, numbytes
        refused(new TestTar().pax("GNU.sparse.size", "100".getBytes()).pax("GNU.sparse.numbytes", "5".getBytes())
                .file("f", "abcde", 0644).bytes(), "malformed GNU sparse PAX records");
        refused(new TestTar().pax("GNU.sparse.major", "2".getBytes()).pax("GNU.sparse.minor", "0".getBytes())
                .pax("GNU.sparse.size", "100".getBytes()).file("f", "abcde", 0644).bytes(), "unsupported GNU sparse format 2.0");
    }

    @Test
    void anOldGnuMapPastItsSizeIsRefused() throws Exception {
        byte[] tar = gnuTar("gnu");
        // the first entry is "many": shrink its real size (offset 483) below its last data run
        byte[] realSize = String.format("%011o", 65536).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(realSize, 0, tar, 483, 11);
        fixChecksum(tar, 0);
        refused(tar, "points past the file's size 65536");
    }

    private static void fixChecksum(byte[] tar, int at) throws IOException {
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : tar[at + i] & 0xff;
        }
        byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, tar, at + 148, 8);
    }
}
