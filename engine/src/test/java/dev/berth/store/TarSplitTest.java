package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.archive.TarSplit;
import dev.berth.archive.TestTar;
import dev.berth.common.Digest;
import dev.berth.sys.FileSyscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tar-split: layers keep metadata, not their tar, and rebuild the tar byte for byte from it and
 * the unpacked tree. The tars come from GNU tar, not from code written here.
 */
class TarSplitTest {
    @TempDir
    Path tmp;
    Path src;
    LayerStore store;

    @BeforeEach
    void tree() throws Exception {
        store = new LayerStore(Files.createDirectory(tmp.resolve("root")));
        src = Files.createDirectory(tmp.resolve("src"));
        Path deep = src.resolve("d".repeat(60) + "/" + "e".repeat(60) + "/" + "f".repeat(90));
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("long-" + "n".repeat(150) + ".txt"), "long name");
        Files.writeString(src.resolve("hello.txt"), "hello\n");
        Files.writeString(src.resolve("ünïcödé名前.txt"), "utf-8 name");
        Files.createFile(src.resolve("empty"));
        byte[] random = new byte[3 << 20];
        new Random(42).nextBytes(random);
        Files.write(src.resolve("random.bin"), random);
        Files.write(src.resolve("odd.bin"), java.util.Arrays.copyOf(random, 513)); // content padding
        Files.createLink(src.resolve("hard-link"), src.resolve("hello.txt"));
        Files.createDirectory(src.resolve("sub"));
        Files.createLink(src.resolve("sub/another-link"), src.resolve("random.bin"));
        Files.createSymbolicLink(src.resolve("sym"), Path.of("hello.txt"));
        Files.createSymbolicLink(src.resolve("long-sym"), Path.of("/" + "t".repeat(200)));
        run("mknod", src.resolve("null-dev").toString(), "c", "1", "3");
        run("mknod", src.resolve("blk-dev").toString(), "b", "7", "200");
        run("mkfifo", src.resolve("fifo").toString());
        run("truncate", "-s", "10M", src.resolve("sparse-truncated").toString());
        run("fallocate", "-l", "1M", src.resolve("sparse-fallocated").toString());
        Files.writeString(src.resolve("with-xattr"), "x");
        FileSyscalls.lsetxattr(src.resolve("with-xattr"), "user.berth", new byte[] {0, 1, 2, (byte) 0xff});
        Files.writeString(src.resolve("unreadable"), "secret");
        Files.setPosixFilePermissions(src.resolve("unreadable"), java.util.Set.of());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", cmd) + ": " + out);
        }
    }

    private byte[] gnuTar(String... flags) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime() + ".tar");
        List<String> cmd = new ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-C", src.toString(), "-cf", out.toString(), "."));
        run(cmd.toArray(String[]::new));
        return Files.readAllBytes(out);
    }

    private LayerStore.Layer unpack(byte[] archive) throws IOException {
        return store.unpack(Optional.empty(), new ByteArrayInputStream(archive));
    }

    private byte[] rebuilt(LayerStore.Layer layer) throws IOException {
        try (InputStream in = store.openTar(layer.chainId()).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private Path layerDir(LayerStore.Layer layer) {
        return layer.diffDir().getParent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pax", "gnu", "posix-fixed-owner", "gzip"})
    void gnuTarArchivesRebuildByteForByte(String format) throws Exception {
        byte[] tar = switch (format) {
            case "pax" -> gnuTar("--format=pax", "--xattrs", "--xattrs-include=user.*");
            case "gnu" -> gnuTar("--format=gnu", "--numeric-owner");
            case "posix-fixed-owner" -> gnuTar("--format=posix", "--owner=0", "--group=0", "--mtime=@0");
            default -> gnuTar("--format=pax");
        };
        byte[] input = tar;
        if (format.equals("gzip")) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
                g.write(tar);
            }
            input = gz.toByteArray();
        }
        LayerStore.Layer layer = unpack(input);
        assertThat(layer.diffId()).isEqualTo(Digest.sha256(tar).toString());
        assertThat(rebuilt(layer)).isEqualTo(tar);
        // what the layer keeps: the tree and small metadata, never the tar
        try (Stream<Path> s = Files.list(layerDir(layer))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("diff", "layer.json", "tar-split.gz");
        }
        long meta = Files.size(layerDir(layer).resolve("tar-split.gz"));
        assertThat(tar.length).isGreaterThan(14 << 20);
        assertThat(meta).as("metadata of a %d byte tar", tar.length).isLessThan(64 * 1024);
        // the tree is what tar had, xattrs included
        Path diff = layer.diffDir();
        assertThat(diff.resolve("sub/another-link")).hasSameBinaryContentAs(src.resolve("random.bin"));
        assertThat(Files.readAttributes(diff.resolve("hard-link"), "unix:ino").get("ino"))
                .isEqualTo(Files.readAttributes(diff.resolve("hello.txt"), "unix:ino").get("ino"));
        assertThat(Files.size(diff.resolve("sparse-truncated"))).isEqualTo(10 << 20);
        if (format.equals("pax")) {
            assertThat(FileSyscalls.lgetxattr(diff.resolve("with-xattr"), "user.berth")).hasValueSatisfying(
                    v -> assertThat(v).containsExactly(0, 1, 2, 0xff));
        }
    }

    @Test
    void trailingBytesAfterTheEndMarkerAreKept() throws Exception {
        byte[] tar = gnuTar("--format=gnu");
        byte[] withTail = java.util.Arrays.copyOf(tar, tar.length + 1000);
        for (int i = tar.length; i < withTail.length; i++) {
            withTail[i] = (byte) i; // not zeros: a sloppy writer, still covered by the diff id
        }
        LayerStore.Layer layer = unpack(withTail);
        assertThat(layer.diffId()).isEqualTo(Digest.sha256(withTail).toString());
        assertThat(rebuilt(layer)).isEqualTo(withTail);
    }

    @Test
    void filesALaterEntryReplacesKeepTheirContentAside() throws Exception {
        // tar --append: the same name twice (later wins on disk), a file replaced by a directory,
        // and a whiteout of a file of the same layer
        Path out = tmp.resolve("dup.tar");
        Path two = Files.createDirectory(tmp.resolve("two"));
        Files.writeString(two.resolve("hello.txt"), "second version, longer\n");
        Files.createDirectory(two.resolve("empty"));
        Files.writeString(two.resolve(".wh.odd.bin"), "");
        run("tar", "--format=pax", "-C", src.toString(), "-cf", out.toString(), "./hello.txt", "./empty", "./odd.bin");
        run("tar", "--format=pax", "-C", two.toString(), "-rf", out.toString(), "./hello.txt", "./empty", "./.wh.odd.bin");
        byte[] tar = Files.readAllBytes(out);
        LayerStore.Layer layer = unpack(tar);
        assertThat(layer.diffDir().resolve("hello.txt")).hasContent("second version, longer");
        assertThat(layer.diffDir().resolve("empty")).isDirectory();
        assertThat(rebuilt(layer)).isEqualTo(tar);
    }

    /** Sparse archives are accepted and rebuilt exactly (GnuSparseTest has files with real holes). */
    @Test
    void gnuSparseArchivesAreRebuiltExactly() throws Exception {
        byte[] tar = gnuTar("--format=pax", "--sparse");
        assertThat(rebuilt(unpack(tar))).isEqualTo(tar);
    }

    @Test
    void aFreshlyUnpackedLayerIsSizedFromLstatAloneWithoutRebuildingItsTar() throws Exception {
        // the unpack's files are written within the same tick of the file-time clock as the
        // metadata: were its mtime not later than theirs, every save would rebuild the tar to check it
        for (int i = 0; i < 5; i++) {
            byte[] tar = new TestTar().file("a" + i, "x".repeat(i + 1), 0644).file("b" + i, "y", 0644).bytes();
            LayerStore.Layer layer = unpack(tar);
            Path split = layerDir(layer).resolve("tar-split.gz");
            long size = TarSplit.scan(new java.util.zip.GZIPInputStream(Files.newInputStream(split)), layer.diffDir(),
                    layerDir(layer).resolve("tar-split.spill"), Files.getLastModifiedTime(split));
            assertThat(size).isEqualTo(tar.length);
        }
    }

    @Test
    void aChangedTreeFailsLoudlyInsteadOfGivingOtherBytes() throws Exception {
        byte[] tar = gnuTar("--format=pax");
        LayerStore.Layer layer = unpack(tar);
        assertThat(store.originalTarSize(layer.chainId())).hasValue((long) tar.length);
        Path f = layer.diffDir().resolve("random.bin");
        // touched but unchanged (ctime moves): rebuilt once to be sure, and fine
        Files.setLastModifiedTime(f, Files.getLastModifiedTime(f));
        assertThat(store.originalTarSize(layer.chainId())).hasValue((long) tar.length);
        // same size, one byte changed: only the digest can tell
        try (var ch = Files.newByteChannel(f, StandardOpenOption.WRITE)) {
            ch.position(1 << 20);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {42}));
        }
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class)
                .hasMessageContaining(layer.diffId());
        assertThatThrownBy(() -> store.originalTarSize(layer.chainId())).isInstanceOf(TarSplit.MismatchException.class);
        // another size: refused as soon as the file is reached
        Files.writeString(layer.diffDir().resolve("with-xattr"), "xyz");
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class)
                .hasMessageContaining("with-xattr is 3 bytes, its tar entry says 1 bytes");
        assertThatThrownBy(() -> store.originalTarSize(layer.chainId())).isInstanceOf(TarSplit.MismatchException.class)
                .hasMessageContaining("with-xattr is 3 bytes, its tar entry says 1 bytes");
        Files.delete(layer.diffDir().resolve("with-xattr"));
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class)
                .hasMessageContaining("with-xattr is missing");
        // a fifo in a file's place is neither opened nor read
        run("mkfifo", layer.diffDir().resolve("with-xattr").toString());
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class)
                .hasMessageContaining("not a regular file");
        Files.write(layerDir(layer).resolve("tar-split.gz"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class);
    }

    /** Makes {@code layer} look as berth before tar-split left it: the whole tar, no metadata. */
    private void makeLegacy(LayerStore.Layer layer, byte[] tar) throws IOException {
        Files.delete(layerDir(layer).resolve("tar-split.gz"));
        dev.berth.common.AtomicFiles.deleteTree(layerDir(layer).resolve("tar-split.spill"));
        Files.write(layerDir(layer).resolve("layer.tar"), tar);
    }

    @Test
    void legacyLayerTarsAreMigratedWhenTheyRebuildAndKeptWhenNot() throws Exception {
        byte[] tar = gnuTar("--format=pax", "--xattrs");
        LayerStore.Layer layer = unpack(tar);
        makeLegacy(layer, tar);
        assertThat(store.legacyTars()).containsExactly(layer.chainId());
        assertThat(store.migrateLegacyTar(layer.chainId())).isGreaterThan(tar.length - 64 * 1024);
        assertThat(layerDir(layer).resolve("layer.tar")).doesNotExist();
        assertThat(store.legacyTars()).isEmpty();
        assertThat(rebuilt(layer)).isEqualTo(tar);

        // a tar holding a name twice: the tree has only the second content, so the tar stays
        Path out = tmp.resolve("dup.tar");
        Path two = Files.createDirectory(tmp.resolve("two"));
        Files.writeString(two.resolve("hello.txt"), "second\n");
        run("tar", "--format=pax", "-C", src.toString(), "-cf", out.toString(), "./hello.txt");
        run("tar", "--format=pax", "-C", two.toString(), "-rf", out.toString(), "./hello.txt");
        byte[] dup = Files.readAllBytes(out);
        LayerStore.Layer d = unpack(dup);
        makeLegacy(d, dup);
        assertThat(store.migrateLegacyTar(d.chainId())).isZero();
        assertThat(layerDir(d).resolve("layer.tar")).exists();
        assertThat(layerDir(d).resolve("tar-split.gz")).doesNotExist();
        assertThat(rebuilt(d)).isEqualTo(dup);
    }

    @Test
    void aLayerTarOfTheOldFormatIsStillReadAndReplacedWhenTheLayerIsUnpackedAgain() throws Exception {
        byte[] tar = new TestTar().file("a", "b", 0644).bytes();
        LayerStore.Layer layer = unpack(tar);
        Path dir = layerDir(layer);
        // what berth before tar-split left: the whole tar, no metadata
        Files.delete(dir.resolve("tar-split.gz"));
        Files.write(dir.resolve("layer.tar"), tar);
        assertThat(rebuilt(layer)).isEqualTo(tar);
        assertThat(store.originalTarSize(layer.chainId())).hasValue((long) tar.length);
        Files.write(dir.resolve("layer.tar"), new TestTar().file("a", "c", 0644).bytes());
        assertThatThrownBy(() -> rebuilt(layer)).isInstanceOf(TarSplit.MismatchException.class);
        Files.write(dir.resolve("layer.tar"), tar);
        unpack(tar); // pulled or loaded again: the existing layer gets metadata, the tar goes
        assertThat(dir.resolve("layer.tar")).doesNotExist();
        assertThat(dir.resolve("tar-split.gz")).isRegularFile();
        assertThat(rebuilt(layer)).isEqualTo(tar);
        Files.delete(dir.resolve("tar-split.gz"));
        assertThat(store.openTar(layer.chainId())).isEmpty(); // neither: callers re-archive
    }
}
