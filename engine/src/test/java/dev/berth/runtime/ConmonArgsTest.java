package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConmonArgsTest {
    private static ConmonArgs args(boolean syncLogAtExit) {
        OciRuntime crun = new OciRuntime("crun", Path.of("/bin/true"), Path.of("/run/berth/runtime/crun"));
        return new ConmonArgs(Path.of("/usr/bin/conmon"), "c0ffee", "c0ffee", crun, Path.of("/b"), Path.of("/b/pidfile"),
                Path.of("/b/conmon.pid"), "box", Path.of("/run/exits"), Path.of("/run/s"), Optional.of(Path.of("/b/log")),
                -1, syncLogAtExit, false, false, false, Optional.empty(), false);
    }

    @Test
    void aLogThatOutlivesItsContainerIsSyncedAtExitAndOneThatDoesNotIsNot() {
        assertThat(args(true).argv()).contains("-l", "k8s-file:/b/log").doesNotContain("--no-sync-log");
        assertThat(args(false).argv()).contains("-l", "k8s-file:/b/log", "--no-sync-log");
    }
}
