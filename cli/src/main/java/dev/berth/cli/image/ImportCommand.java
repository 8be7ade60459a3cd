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
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code import file|-|URL [REPO[:TAG]]}: POST /images/create?fromSrc=... with the tarball as body. */
@Command(name = "import", description = "Import the contents from a tarball to create a filesystem image")
public final class ImportCommand extends Verb {
    @Option(names = {"-c", "--change"}, description = "Apply Dockerfile instruction to the created image") List<String> change = new ArrayList<>();
    @Option(names = {"-m", "--message"}, description = "Set commit message for imported image") String message;
    @Option(names = "--platform", description = "Set platform if server is multi-platform capable") String platform;
    @Parameters(index = "0", paramLabel = "file|URL|-") String source;
    @Parameters(index = "1", arity = "0..1", paramLabel = "REPOSITORY[:TAG]") String reference;

    Query query() {
        boolean url = source.startsWith("http://") || source.startsWith("https://");
        Query q = Query.of("/images/create").add("fromSrc", url ? source : "-");
        if (reference != null) {
            String[] rt = TagCommand.repoTag(reference);
            q.add("repo", rt[0]).add("tag", rt[1]);
        }
        q.add("message", message).add("platform", platform);
        for (String c : change) q.add("changes", c);
        return q;
    }

    @Override
    protected int run(Context ctx) throws Exception {
        boolean url = source.startsWith("http://") || source.startsWith("https://");
        InputStream body;
        if (url) body = InputStream.nullInputStream();
        else if (source.equals("-")) body = ctx.in();
        else {
            try {
                body = Files.newInputStream(Path.of(source));
            } catch (NoSuchFileException e) {
                throw new CliException(1, "open " + source + ": no such file or directory");
            }
        }
        try (body; ClientResponse r = ctx.daemon().upload(query(), "application/x-tar", body)) {
            // The answer is a JSON progress stream; the last status is the new image id.
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode m = Json.MAPPER.readTree(line);
                if (m.has("error")) throw new CliException(1, m.path("error").asString());
                if (m.has("status") && !m.has("progressDetail") && !m.has("id")) ctx.out().println(m.path("status").asString());
            }
        }
        return 0;
    }
}
