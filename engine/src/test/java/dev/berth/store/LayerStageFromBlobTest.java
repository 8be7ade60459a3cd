package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.archive.TestTar;
import dev.berth.common.Digest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer staged from a blob file (inflated whole when it can be) is the layer streaming gives. */
class LayerStageFromBlobTest {
    @TempDir
    Path root;

    private static byte[] tar() {
        byte[] random = new byte[300_000];
        new Random(7).nextBytes(random);
        return new TestTar().mtime(1_700_000_000L)
                .dir("./", 0755)
                .file("etc/motd", "hello\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0)
                .file("data/random.bin", random, 0600, 1000, 1000)
                .file("etc/motd", "replaced\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0) // a later entry wins
                .symlink("data/link", "random.bin")
                .file("gone/.wh.x", new byte[0], 0644, 0, 0)
                .bytes();
    }

    private Path blob(String name, byte[]... members) throws Exception {
        return Files.write(root.resolve(name), TestTar.gzip(members));
    }

    private static void sameLayer(LayerStore ls, LayerStore.Layer layer, byte[] tar) throws Exception {
        assertThat(layer.diffId()).isEqualTo(Digest.sha256(tar).toString());
        assertThat(layer.diffDir().resolve("etc/motd")).hasContent("replaced\n");
        assertThat(Files.size(layer.diffDir().resolve("data/random.bin"))).isEqualTo(300_000);
        assertThat(Files.readSymbolicLink(layer.diffDir().resolve("data/link")).toString()).isEqualTo("random.bin");
        try (InputStream rebuilt = ls.openTar(layer.chainId()).orElseThrow()) {
            assertThat(rebuilt.readAllBytes()).as("tar-split rebuilds the tar byte for byte").isEqualTo(tar);
        }
    }

    @Test
    void aGzipBlobFileGivesTheSameLayerAsTheStream() throws Exception {
        byte[] tar = tar();
        LayerStore ls = new LayerStore(root.resolve("a"));
        List<Long> extracted = new ArrayList<>();
        LayerStore.Staged staged = ls.stageInflated(blob("layer.gz", tar), extracted::add).orElseThrow();
        sameLayer(ls, ls.commit(staged, Optional.empty()), tar);
        assertThat(extracted).as("progress in bytes of the blob, ending at its size").isSorted()
                .endsWith(Files.size(root.resolve("layer.gz")));
    }

    @Test
    void blobsLibdeflateCannotTakeWholeAreLeftToTheStream() throws Exception {
        // two gzip members (what pigz -i or a concatenation writes): not inflated whole, streamed instead
        byte[] tar = tar();
        int half = 1024; // inside the first header's file content: members need not split at entries
        byte[] first = java.util.Arrays.copyOfRange(tar, 0, half);
        byte[] rest = java.util.Arrays.copyOfRange(tar, half, tar.length);
        LayerStore ls = new LayerStore(root.resolve("b"));
        Path two = blob("two.gz", first, rest);
        assertThat(ls.stageInflated(two, n -> { })).isEmpty();
        try (InputStream in = Files.newInputStream(two)) {
            sameLayer(ls, ls.commit(ls.stage(in), Optional.empty()), tar);
        }
        assertThat(ls.stageInflated(Files.write(root.resolve("plain.tar"), tar), n -> { })).isEmpty();
    }
}
