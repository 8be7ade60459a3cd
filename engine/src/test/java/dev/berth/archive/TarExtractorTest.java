package dev.berth.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.sys.FileSyscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void dirs() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    private Extraction extract(byte[] tar) throws Exception {
        return TarExtractor.extract(new ByteArrayInputStream(tar), root);
    }

    private static Object attr(Path p, String name) throws Exception {
        return Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void preservesModesOwnersTimesLinksAndDevices() throws Exception {
        byte[] tar = new TestTar().mtime(1_600_000_000L)
                .dir("./", 0755)
                .dir("bin/", 0750)
                .file("bin/su", "x".getBytes(StandardCharsets.UTF_8), 04755, 0, 0)
                .file("home/u/f", "hello".getBytes(StandardCharsets.UTF_8), 0640, 1000, 1001)
                .symlink("bin/sh", "busybox")
                .hardlink("bin/su2", "bin/su")
                .device("dev/null", '3', 0666, 1, 3)
                .device("dev/fifo", '6', 0600, 0, 0)
                .bytes();
        Extraction x = extract(tar);

        assertThat(x.diffId()).isEqualTo(Digest.sha256(tar));
        assertThat(x.size()).isEqualTo(6);
        assertThat((int) attr(root.resolve("bin"), "mode") & 07777).isEqualTo(0750);
        assertThat((int) attr(root.resolve("bin/su"), "mode") & 07777).isEqualTo(04755);
        assertThat(attr(root.resolve("home/u/f"), "uid")).isEqualTo(1000);
        assertThat(attr(root.resolve("home/u/f"), "gid")).isEqualTo(1001);
        assertThat((int) attr(root.resolve("home"), "mode") & 07777).isEqualTo(0755);
        assertThat(Files.readString(root.resolve("home/u/f"))).isEqualTo("hello");
        assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(attr(root.resolve("bin/su2"), "ino")).isEqualTo(attr(root.resolve("bin/su"), "ino"));
        assertThat(attr(root.resolve("dev/null"), "rdev")).isEqualTo(FileSyscalls.makedev(1, 3));
        assertThat(Files.getLastModifiedTime(root.resolve("bin"), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(1_600_000_000L)));
        assertThat(Files.getLastModifiedTime(root.resolve("bin/sh"), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(1_600_000_000L)));
    }

    @Test
    void gzipAndZstdGiveTheDiffIdOfThePlainStream() throws Exception {
        byte[] tar = new TestTar().file("a", "content", 0644).bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(tar);
        }
        ByteArrayOutputStream zs = new ByteArrayOutputStream();
        try (OutputStream o = new ZstdOutputStream(zs)) {
            o.write(tar);
        }
        assertThat(extract(gz.toByteArray()).diffId()).isEqualTo(Digest.sha256(tar));
        assertThat(extract(zs.toByteArray()).diffId()).isEqualTo(Digest.sha256(tar));
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("content");
    }

    @Test
    void dotDotEscapeIsRefused() {
        byte[] tar = new TestTar().file("../x", "pwned", 0644).bytes();
        assertThatThrownBy(() -> extract(tar)).isInstanceOf(EngineException.class).hasMessageContaining("escapes");
        assertThat(tmp.resolve("x")).doesNotExist();
        byte[] sneaky = new TestTar().file("a/../../x", "pwned", 0644).bytes();
        assertThatThrownBy(() -> extract(sneaky)).isInstanceOf(EngineException.class);
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void absoluteNamesAreRelativeToTheRoot() throws Exception {
        extract(new TestTar().file("/etc/hostname", "h", 0644).bytes());
        assertThat(root.resolve("etc/hostname")).hasContent("h");
    }

    @Test
    void writingThroughASymlinkIsRefused() throws Exception {
        byte[] tar = new TestTar().symlink("evil", outside.toString()).file("evil/pwned", "x", 0644).bytes();
        assertThatThrownBy(() -> extract(tar)).isInstanceOf(EngineException.class).hasMessageContaining("symlink");
        try (var s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void absoluteSymlinkThenFileUnderItIsRefused() throws Exception {
        byte[] tar = new TestTar().symlink("abs", "/").file("abs/" + outside.toString().substring(1) + "/p", "x", 0644)
                .bytes();
        assertThatThrownBy(() -> extract(tar)).isInstanceOf(EngineException.class);
        try (var s = Files.list(outside)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void fileReplacingASymlinkReplacesTheLinkNotItsTarget() throws Exception {
        Path victim = Files.writeString(outside.resolve("victim"), "safe");
        extract(new TestTar().symlink("f", victim.toString()).file("f", "new", 0644).bytes());
        assertThat(victim).hasContent("safe");
        assertThat(Files.isSymbolicLink(root.resolve("f"))).isFalse();
        assertThat(root.resolve("f")).hasContent("new");
    }

    @Test
    void hardLinksMustPointInsideTheRoot() throws Exception {
        assertThatThrownBy(() -> extract(new TestTar().hardlink("passwd", "/etc/passwd").bytes()))
                .isInstanceOf(EngineException.class).hasMessageContaining("no such directory etc");
        assertThatThrownBy(() -> extract(new TestTar().hardlink("p", "../outside/x").bytes()))
                .isInstanceOf(EngineException.class).hasMessageContaining("escapes");
        // /etc/passwd inside the layer is fine: absolute link names are relative to the root.
        extract(new TestTar().file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644)
                .hardlink("passwd", "/etc/passwd").bytes());
        assertThat(attr(root.resolve("passwd"), "ino")).isEqualTo(attr(root.resolve("etc/passwd"), "ino"));
        assertThat(attr(root.resolve("passwd"), "ino")).isNotEqualTo(attr(Path.of("/etc/passwd"), "ino"));
    }

    @Test
    void hardLinkThroughASymlinkedDirectoryIsRefused() {
        byte[] tar = new TestTar().symlink("etc", "/etc").hardlink("p", "etc/passwd").bytes();
        assertThatThrownBy(() -> extract(tar)).isInstanceOf(EngineException.class).hasMessageContaining("symlink");
    }

    @Test
    void relativeSymlinkClimbingOutIsRefusedLikeDocker() {
        assertThatThrownBy(() -> extract(new TestTar().symlink("a/l", "../../x").bytes()))
                .isInstanceOf(EngineException.class);
    }

    @Test
    void whiteoutsBecomeOverlayWhiteouts() throws Exception {
        extract(new TestTar().dir("d/", 0755).file("d/.wh..wh..opq", "", 0644)
                .file(".wh.gone", "", 0644).file("d/.wh.old", "", 0644).bytes());
        assertThat(attr(root.resolve("gone"), "rdev")).isEqualTo(0L);
        assertThat(Files.readAttributes(root.resolve("gone"), java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
        assertThat(root.resolve("d/old")).exists();
        assertThat(root.resolve("d/.wh.old")).doesNotExist();
        assertThat(FileSyscalls.lgetxattr(root.resolve("d"), "trusted.overlay.opaque"))
                .hasValueSatisfying(v -> assertThat(v).containsExactly('y'));
    }

    @Test
    void binaryXattrsSurviveByteForByte() throws Exception {
        byte[] value = {1, 0, 0, 2, (byte) 0xff, (byte) 0x80, (byte) 0xc3, 0, 0x28};
        extract(new TestTar().pax("SCHILY.xattr.trusted.berth", value).file("bin/ping", "x", 0755).bytes());
        assertThat(FileSyscalls.lgetxattr(root.resolve("bin/ping"), "trusted.berth"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
    }

    @Test
    void paxPathOverridesTheHeaderName() throws Exception {
        String longName = "d/" + "n".repeat(200);
        extract(new TestTar().pax("path", longName.getBytes(StandardCharsets.UTF_8)).file("short", "x", 0644).bytes());
        assertThat(root.resolve(longName)).hasContent("x");
    }

    @Test
    void corruptHeaderIsRejected() {
        byte[] tar = new TestTar().file("a", "x", 0644).bytes();
        tar[0] = 'b';
        assertThatThrownBy(() -> extract(tar)).hasMessageContaining("checksum");
    }
}
