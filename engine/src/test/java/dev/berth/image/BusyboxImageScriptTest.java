package dev.berth.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.store.Database;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/busybox-image.sh makes a tar that imports into a runnable-looking busybox image. */
class BusyboxImageScriptTest {
    @TempDir
    Path tmp;

    @Test
    void importsTheScriptsTar() throws Exception {
        Path script = Path.of("..", "scripts", "busybox-image.sh").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(script) && Files.isExecutable(Path.of("/bin/busybox")), "needs busybox-static");
        Path tar = tmp.resolve("bb.tar");
        Process p = new ProcessBuilder(script.toString(), tar.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();

        try (Database db = new Database(tmp.resolve("berth.db")); InputStream in = Files.newInputStream(tar)) {
            LocalImageService images = new LocalImageService(tmp.resolve("root"), db);
            String id = images.importImage(in, Optional.of("busybox:latest"), List.of("CMD [\"sh\"]"), "");
            Image img = images.resolve("busybox");
            assertThat(img.id()).isEqualTo(id);
            assertThat(img.config().config().cmd()).containsExactly("sh");
            Path rootfs = img.layerDirs().getFirst();
            assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
            assertThat(rootfs.resolve("etc/passwd")).content().contains("nobody:x:65534");
            assertThat((int) Files.getAttribute(rootfs.resolve("tmp"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777)
                    .isEqualTo(01777);
            assertThat(img.size()).isEqualTo(Files.size(Path.of("/bin/busybox")) + Files.size(rootfs.resolve("etc/passwd"))
                    + Files.size(rootfs.resolve("etc/group")));
        }
    }
}
