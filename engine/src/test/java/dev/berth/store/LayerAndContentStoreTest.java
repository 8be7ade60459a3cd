package dev.berth.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.archive.TestTar;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerAndContentStoreTest {
    @TempDir
    Path root;

    @Test
    void chainIdsFollowTheOciDefinition() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        String ab = Digest.sha256((a + " " + b).getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(LayerStore.chainIds(List.of(a, b))).containsExactly(a, ab);
        assertThat(LayerStore.chainId(Optional.empty(), a)).isEqualTo(a);
    }

    @Test
    void blobsAreVerifiedAndAMismatchKeepsNothing() throws Exception {
        ContentStore cs = new ContentStore(root);
        byte[] data = "blob".getBytes(StandardCharsets.UTF_8);
        Digest d = cs.write(new ByteArrayInputStream(data), Optional.of(Digest.sha256(data)));
        assertThat(cs.exists(d)).isTrue();
        assertThat(root.resolve("blobs/sha256/" + d.hex())).hasBinaryContent(data);
        Digest wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> cs.write(new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)), Optional.of(wrong)))
                .isInstanceOf(EngineException.class).hasMessageContaining("digest mismatch");
        try (var s = Files.list(root.resolve("blobs/sha256"))) {
            assertThat(s).hasSize(1);
        }
        assertThat(cs.list()).containsExactly(d);
        cs.delete(d);
        assertThat(cs.exists(d)).isFalse();
    }

    @Test
    void unpacksOncePerChainIdEvenConcurrently() throws Exception {
        LayerStore ls = new LayerStore(root);
        byte[] tar = new TestTar().file("etc/hostname", "h", 0644).bytes();
        List<Callable<LayerStore.Layer>> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jobs.add(() -> ls.unpack(Optional.empty(), new ByteArrayInputStream(tar)));
        }
        List<LayerStore.Layer> got = new ArrayList<>();
        try (var ex = Executors.newFixedThreadPool(6)) {
            for (Future<LayerStore.Layer> f : ex.invokeAll(jobs)) {
                got.add(f.get());
            }
        }
        String diffId = Digest.sha256(tar).toString();
        assertThat(got).extracting(LayerStore.Layer::chainId).containsOnly(diffId);
        assertThat(ls.list()).containsExactly(diffId);
        LayerStore.Layer l = got.getFirst();
        assertThat(l.diffDir().resolve("etc/hostname")).hasContent("h");
        assertThat(l.size()).isEqualTo(1);
        try (var s = Files.list(root.resolve("layers"))) {
            assertThat(s).hasSize(1); // no temp directories left behind
        }

        byte[] top = new TestTar().file("top", "t", 0644).bytes();
        LayerStore.Layer child = ls.unpack(Optional.of(diffId), new ByteArrayInputStream(top));
        assertThat(child.chainId()).isEqualTo(LayerStore.chainIds(List.of(diffId, Digest.sha256(top).toString())).get(1));
        assertThat(child.parent()).contains(diffId);

        ls.remove(child.chainId());
        assertThat(ls.get(child.chainId())).isEmpty();
        assertThatThrownBy(() -> ls.unpack(Optional.of(child.chainId()), new ByteArrayInputStream(top)))
                .hasMessageContaining("not found");
    }

    @Test
    void aFailedUnpackLeavesNothing() throws Exception {
        LayerStore ls = new LayerStore(root);
        byte[] bad = new TestTar().file("../x", "x", 0644).bytes();
        assertThatThrownBy(() -> ls.unpack(Optional.empty(), new ByteArrayInputStream(bad)))
                .isInstanceOf(EngineException.class);
        try (var s = Files.list(root.resolve("layers"))) {
            assertThat(s).isEmpty();
        }
    }
}
