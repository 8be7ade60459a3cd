package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.common.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/** {@code load [-i FILE] [-q]}: POST /images/load with the archive (stdin by default) as body. */
@Command(name = "load", description = "Load an image from a tar archive or STDIN")
public final class LoadCommand extends Verb {
    @Option(names = {"-i", "--input"}, description = "Read from tar archive file, instead of STDIN") String input;
    @Option(names = {"-q", "--quiet"}, description = "Suppress the load output") boolean quiet;
    @Option(names = "--platform", description = "Load only the given platform variant") String platform;

    @Override
    protected int run(Context ctx) throws Exception {
        InputStream body;
        if (input != null) {
            try {
                body = Files.newInputStream(Path.of(input));
            } catch (NoSuchFileException e) {
                throw new CliException(1, "open " + input + ": no such file or directory");
            }
        } else {
            if (Terminals.isTerminal()) {
                throw new CliException(1, "requested load from stdin, but stdin is empty");
            }
            body = ctx.in();
        }
        Query q = Query.of("/images/load").flag("quiet", quiet).add("platform", platform);
        try (body; ClientResponse r = ctx.daemon().upload(q, "application/x-tar", body)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode m = Json.MAPPER.readTree(line);
                if (m.has("error")) throw new CliException(1, m.path("error").asString());
                if (m.has("stream")) ctx.out().print(m.path("stream").asString());
            }
        }
        return 0;
    }
}
