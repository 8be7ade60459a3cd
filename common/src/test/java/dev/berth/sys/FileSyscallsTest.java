package dev.berth.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyscallsTest {
    @TempDir
    Path dir;

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    @Test
    void makedevMatchesGlibc() {
        assertThat(FileSyscalls.makedev(1, 3)).isEqualTo(0x103L);
        assertThat(FileSyscalls.makedev(0, 0)).isZero();
        assertThat(FileSyscalls.makedev(259, 65536)).isEqualTo(0x10010300L);
    }

    @Test
    void mknodCreatesCharDeviceAndFifo() throws Exception {
        assumeTrue(root());
        Path dev = dir.resolve("null");
        FileSyscalls.mknod(dev, FileSyscalls.S_IFCHR | 0666, FileSyscalls.makedev(1, 3));
        assertThat(Files.getAttribute(dev, "unix:rdev")).isEqualTo(0x103L);
        Path fifo = dir.resolve("fifo");
        FileSyscalls.mknod(fifo, FileSyscalls.S_IFIFO | 0600, 0);
        assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();
        assertThatThrownBy(() -> FileSyscalls.mknod(fifo, FileSyscalls.S_IFIFO | 0600, 0))
                .isInstanceOf(Libc.ErrnoException.class)
                .satisfies(e -> assertThat(((Libc.ErrnoException) e).errno()).isEqualTo(Libc.EEXIST));
    }

    @Test
    void lchownAndUtimesActOnTheSymlinkItself() throws Exception {
        assumeTrue(root());
        Path target = Files.createFile(dir.resolve("t"));
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        FileSyscalls.lchown(link, 1234, 4321);
        FileSyscalls.lutimes(link, 10, 0, 1_000_000, 500);
        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
        assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
        assertThat(Files.getLastModifiedTime(link, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(FileTime.from(java.time.Instant.ofEpochSecond(1_000_000, 500)));
    }

    @Test
    void binaryXattrRoundTrips() throws Exception {
        assumeTrue(root());
        Path f = Files.createFile(dir.resolve("f"));
        byte[] value = {1, 0, 0, 2, (byte) 0xff, (byte) 0x80, 0};
        try {
            FileSyscalls.lsetxattr(f, "trusted.berth.test", value);
        } catch (Libc.ErrnoException e) {
            assumeTrue(e.errno() != FileSyscalls.ENOTSUP, "no trusted xattrs here");
            throw e;
        }
        assertThat(FileSyscalls.lgetxattr(f, "trusted.berth.test")).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        assertThat(FileSyscalls.lgetxattr(f, "trusted.berth.absent")).isEmpty();
    }

    @Test
    void chmodKeepsSpecialBits() throws Exception {
        Path f = Files.createFile(dir.resolve("s"));
        FileSyscalls.chmod(f, 04755);
        assertThat(Files.getAttribute(f, "unix:mode")).isEqualTo(0100000 | 04755);
    }
}
