package dev.berth.cli.image;

import dev.berth.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import dev.berth.common.json.JsonNode;

/**
 * Renders a stream of Docker JSON messages as the docker CLI does: on a terminal, one line per
 * layer id updated in place (cursor movement) with a progress bar; otherwise one line per status,
 * progress bars left out; a {@code stream} text is printed as it is. An {@code error} message ends
 * the stream with that error.
 */
final class JsonMessages {
    private JsonMessages() {}

    static void display(InputStream body, PrintStream out, boolean terminal, boolean quiet, Consumer<JsonNode> aux)
            throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        Map<String, Integer> ids = new HashMap<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            JsonNode m = JsonNode.parse(line);
            if (m.has("error") || m.has("errorDetail")) {
                out.flush();
                String msg = m.path("errorDetail").path("message").asString(m.path("error").asString(""));
                throw new CliException(1, msg);
            }
            if (m.has("aux")) {
                aux.accept(m.get("aux"));
                continue;
            }
            if (m.has("stream")) { // load's "Loaded image: …", build output: printed as sent, in quiet mode too
                ids.clear();
                if (terminal) out.print("\u001b[2K\r");
                out.print(m.path("stream").asString());
                out.flush();
                continue;
            }
            if (quiet) continue;
            String id = m.path("id").asString("");
            JsonNode detail = m.get("progressDetail");
            long current = detail == null ? 0 : detail.path("current").asLong(0);
            long total = detail == null ? 0 : detail.path("total").asLong(0);
            boolean hasProgress = current > 0 || total > 0;
            if (!terminal) {
                if (hasProgress) continue; // Docker disables progress bars when not on a terminal
                out.println((id.isEmpty() ? "" : id + ": ") + m.path("status").asString(""));
                continue;
            }
            int diff = 0;
            if (!id.isEmpty() && detail != null) {
                Integer pos = ids.get(id);
                if (pos == null) {
                    pos = ids.size();
                    ids.put(id, pos);
                    out.print("\n");
                }
                diff = ids.size() - pos;
                out.print("\u001b[" + diff + "A");
            } else {
                ids.clear();
            }
            out.print("\u001b[2K\r");
            String text = (id.isEmpty() ? "" : id + ": ") + m.path("status").asString("");
            if (hasProgress) text += " " + m.path("progress").asString("");
            out.print(text);
            if (!id.isEmpty() && detail != null) {
                out.print("\r\u001b[" + diff + "B");
            } else {
                out.print("\n");
            }
            out.flush();
        }
        if (terminal && !ids.isEmpty()) out.flush();
    }
}
