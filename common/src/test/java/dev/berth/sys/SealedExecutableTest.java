package dev.berth.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealedExecutableTest {
    @Test
    void runsAFullySealedCopyOfTheProgram() throws Exception {
        SealedExecutable e = SealedExecutable.of(Path.of("/bin/echo"));
        assertThat(e.sealed()).isTrue();
        Path p = e.path();
        assertThat(p.toString()).startsWith("/proc/" + ProcessHandle.current().pid() + "/fd/");
        Processes.Completed c = Processes.run(List.of(p.toString(), "sealed"), Map.of(), 10_000);
        assertThat(c.status()).isZero();
        assertThat(c.stdout()).isEqualTo("sealed\n");
        // crun's and runc's is_self_cloned() accept exactly these seals
        assertThat(e.seals()).isEqualTo(SealedExecutable.SEALS);
        assertThat(Files.readSymbolicLink(p).toString()).startsWith("/memfd:echo");
    }

    @Test
    void makesANewCopyWhenTheFileChanges(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("prog");
        Files.copy(Path.of("/bin/true"), bin);
        SealedExecutable e = SealedExecutable.of(bin);
        Path first = e.path();
        assertThat(e.path()).isEqualTo(first);
        Files.delete(bin);
        Files.copy(Path.of("/bin/false"), bin); // an upgrade replaces the file
        Files.setLastModifiedTime(bin, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        Path second = e.path();
        assertThat(second).isNotEqualTo(first);
        assertThat(Processes.run(List.of(second.toString()), Map.of(), 10_000).status()).isEqualTo(1);
    }

    @Test
    void fallsBackToTheFileWhenNoCopyCanBeMade(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        SealedExecutable e = SealedExecutable.of(missing);
        assertThat(e.sealed()).isFalse();
        assertThat(e.path()).isEqualTo(missing);
    }
}
