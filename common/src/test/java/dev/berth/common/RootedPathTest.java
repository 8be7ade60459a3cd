package dev.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathTest {
    @TempDir
    Path root;

    @Test
    void absoluteAndClimbingLinksStayInsideTheRoot() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/shadow"), "image's own");
        Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/etc/shadow"));
        Files.createSymbolicLink(root.resolve("etc/group"), Path.of("../../../../etc/shadow"));
        assertThat(RootedPath.resolve(root, "etc/passwd")).isEqualTo(root.resolve("etc/shadow"));
        assertThat(RootedPath.resolve(root, "/etc/group")).isEqualTo(root.resolve("etc/shadow"));
        assertThat(RootedPath.resolve(root, "../../etc/hosts")).isEqualTo(root.resolve("etc/hosts"));
    }

    @Test
    void linkedDirectoriesAndLoops() throws IOException {
        Files.createDirectories(root.resolve("usr/etc"));
        Files.createSymbolicLink(root.resolve("etc"), Path.of("usr/etc"));
        assertThat(RootedPath.resolve(root, "etc/passwd")).isEqualTo(root.resolve("usr/etc/passwd"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        assertThatThrownBy(() -> RootedPath.resolve(root, "loop/x")).hasMessageContaining("too many levels");
    }
}
