package dev.berth.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.sys.FileSyscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unpacked layer written back as a tar and unpacked again comes out the same (needs root: mknod, chown). */
class LayerTarTest {
    @TempDir
    Path tmp;

    private static Object attr(Path p, String name) throws Exception {
        return Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void roundTripKeepsWhiteoutsOwnersModesLinksXattrsAndLongNames() throws Exception {
        byte[] cap = {1, 0, 0, 2, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String longName = "d/" + "x".repeat(150);
        byte[] layer = new TestTar().dir("d/", 0750).file("d/f", "hello".getBytes(StandardCharsets.UTF_8), 04755, 1000, 1001)
                .hardlink("d/hard", "d/f").symlink("d/link", "/etc/passwd").file(".wh.gone", new byte[0], 0, 0, 0)
                .dir("opq/", 0755).file("opq/.wh..wh..opq", new byte[0], 0, 0, 0).file("opq/kept", "k", 0600)
                .device("fifo", '6', 0644, 0, 0).device("null", '3', 0666, 1, 3)
                .pax("SCHILY.xattr.security.capability", cap).file("cap", "c".getBytes(), 0755, 0, 0)
                .pax("path", longName.getBytes(StandardCharsets.UTF_8)).file("placeholder", "long", 0644)
                .pax("path", "d/ünï".getBytes(StandardCharsets.UTF_8)).file("placeholder2", "u", 0644).bytes();
        Path first = Files.createDirectory(tmp.resolve("first"));
        TarExtractor.extract(new ByteArrayInputStream(layer), first);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.write(first, out);
        byte[] again = out.toByteArray();
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        LayerTar.write(first, out2);
        assertThat(out2.toByteArray()).as("deterministic").isEqualTo(again);

        Path second = Files.createDirectory(tmp.resolve("second"));
        TarExtractor.extract(new ByteArrayInputStream(again), second);
        for (Path root : List.of(first, second)) {
            Path f = root.resolve("d/f");
            assertThat(Files.readString(f)).isEqualTo("hello");
            assertThat((int) attr(f, "mode") & 07777).isEqualTo(04755);
            assertThat(attr(f, "uid")).isEqualTo(1000);
            assertThat(attr(f, "gid")).isEqualTo(1001);
            assertThat((int) attr(root.resolve("d"), "mode") & 07777).isEqualTo(0750);
            assertThat(attr(root.resolve("d/hard"), "ino")).isEqualTo(attr(f, "ino"));
            assertThat(Files.readSymbolicLink(root.resolve("d/link")).toString()).isEqualTo("/etc/passwd");
            assertThat((int) attr(root.resolve("gone"), "mode") & 0170000).isEqualTo(FileSyscalls.S_IFCHR);
            assertThat(attr(root.resolve("gone"), "rdev")).isEqualTo(0L);
            assertThat(FileSyscalls.lgetxattr(root.resolve("opq"), "trusted.overlay.opaque")).hasValueSatisfying(
                    v -> assertThat(v).containsExactly('y'));
            assertThat(root.resolve("opq/.wh..wh..opq")).doesNotExist();
            assertThat((int) attr(root.resolve("fifo"), "mode") & 0170000).isEqualTo(FileSyscalls.S_IFIFO);
            assertThat(attr(root.resolve("null"), "rdev")).isEqualTo(FileSyscalls.makedev(1, 3));
            assertThat(FileSyscalls.lgetxattr(root.resolve("cap"), "security.capability"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(cap));
            assertThat(Files.readString(root.resolve(longName))).isEqualTo("long");
            assertThat(Files.readString(root.resolve("d/ünï"))).isEqualTo("u");
        }
        // the tar itself has the OCI whiteout forms, not devices
        List<String> names = names(again);
        assertThat(names).contains(".wh.gone", "opq/.wh..wh..opq", "d/hard").doesNotContain("gone");
    }

    @Test
    void mtimesSurvive() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("m"));
        Path f = Files.writeString(dir.resolve("f"), "x");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_600_000_000_000L));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.write(dir, out);
        Path back = Files.createDirectory(tmp.resolve("back"));
        TarExtractor.extract(new ByteArrayInputStream(out.toByteArray()), back);
        assertThat(Files.getLastModifiedTime(back.resolve("f")).toMillis()).isEqualTo(1_600_000_000_000L);
    }

    @Test
    void gnuTarReadsWhatTarWriterWrites() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        String longName = "a/" + "y".repeat(200);
        w.addDirectory("a", 0);
        w.addFile(longName, "data".getBytes(), 1_700_000_000L);
        w.add(new TarEntry("x", TarEntry.REGULAR, 0644, 3_000_000, 0, 1, 0, 0, "", 0, 0, Map.of("user.k", new byte[] {1, 2})),
                new ByteArrayInputStream(new byte[] {'z'}));
        w.finish();
        Path t = Files.write(tmp.resolve("t.tar"), out.toByteArray());
        Process p = new ProcessBuilder("tar", "--numeric-owner", "-tvf", t.toString()).redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(listing).isZero();
        assertThat(listing).contains(longName).contains("3000000/0");
    }

    private static List<String> names(byte[] tar) throws Exception {
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        List<String> out = new ArrayList<>();
        for (TarEntry e = r.next(); e != null; e = r.next()) {
            out.add(e.name());
        }
        return out;
    }
}
