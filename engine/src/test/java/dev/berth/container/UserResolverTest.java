package dev.berth.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
    @TempDir
    Path rootfs;

    @Test
    void namesAndGroupsFromTheImagesFiles() throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:1235::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nstaff:x:50:app\n");
        UserResolver.User u = UserResolver.resolve(rootfs, "app");
        assertThat(u.uid()).isEqualTo(1234);
        assertThat(u.gid()).isEqualTo(1235);
        assertThat(u.additionalGids()).containsExactly(50);
        assertThat(UserResolver.resolve(rootfs, "app:staff").gid()).isEqualTo(50);
        assertThat(UserResolver.resolve(rootfs, "7:8").uid()).isEqualTo(7);
        assertThatThrownBy(() -> UserResolver.resolve(rootfs, "nobody-here")).hasMessageContaining("unable to find user nobody-here");
    }

    @Test
    void absoluteLinksResolveInsideTheImageNotOnTheHost() throws Exception {
        // /etc/passwd -> /secret/passwd: the image's own /secret, which the host does not have
        Files.createDirectories(rootfs.resolve("etc"));
        Files.createDirectories(rootfs.resolve("secret"));
        Files.writeString(rootfs.resolve("secret/passwd"), "app:x:4321:4321::/:/bin/sh\n");
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/secret/passwd"));
        assertThat(Path.of("/secret/passwd")).doesNotExist();
        assertThat(UserResolver.resolve(rootfs, "app").uid()).isEqualTo(4321);
    }
}
