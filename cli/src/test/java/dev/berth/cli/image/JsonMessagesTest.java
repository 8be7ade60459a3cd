package dev.berth.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.cli.CliException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonMessagesTest {
    static final String LOAD = """
            {"status":"Loading layer","progressDetail":{"current":512,"total":1024},"progress":"[=====>     ]","id":"0123456789ab"}
            {"status":"Loading layer","progressDetail":{"current":1024,"total":1024},"progress":"[==========>]","id":"0123456789ab"}
            {"stream":"Loaded image: busybox:latest\\n"}
            """;

    static String render(String messages, boolean terminal, boolean quiet) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonMessages.display(new ByteArrayInputStream(messages.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), terminal, quiet, a -> {});
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void streamTextIsPrintedAsSentAndProgressOnlyOnATerminal() throws Exception {
        assertThat(render(LOAD, false, false)).isEqualTo("Loaded image: busybox:latest\n");
        assertThat(render(LOAD, false, true)).isEqualTo("Loaded image: busybox:latest\n");
        String tty = render(LOAD, true, false);
        assertThat(tty).contains("0123456789ab: Loading layer [=====>     ]", "0123456789ab: Loading layer [==========>]")
                .endsWith("\u001b[2K\rLoaded image: busybox:latest\n");
    }

    @Test
    void anErrorEndsTheStreamWithItsMessage() {
        String failing = "{\"status\":\"Loading layer\",\"id\":\"ab\"}\n{\"errorDetail\":{\"message\":\"archive/tar: invalid tar header\"},"
                + "\"error\":\"archive/tar: invalid tar header\"}\n{\"stream\":\"never\\n\"}\n";
        assertThatThrownBy(() -> render(failing, false, false)).isInstanceOf(CliException.class)
                .hasMessage("archive/tar: invalid tar header");
    }
}
