package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.berth.common.json.JsonNode;

/** {@code import file|-|URL [REPO[:TAG]]}: POST /images/create?fromSrc=... with the tarball as body. */
public final class ImportCommand extends Verb {
    List<String> change = new ArrayList<>();
    String message;
    String platform;
    String source;
    String reference;

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
    protected void define(Spec s) {
        s.about("Import the contents from a tarball to create a filesystem image");
        s.list("-c, --change", "Apply Dockerfile instruction to the created image", change);
        s.string("-m, --message", "Set commit message for imported image", v -> message = v);
        s.string("--platform", "Set platform if server is multi-platform capable", v -> platform = v);
        s.args("file|URL|- [REPOSITORY[:TAG]]", 1, 2, a -> { source = a.get(0); reference = a.size() > 1 ? a.get(1) : null; });
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
                JsonNode m = JsonNode.parse(line);
                if (m.has("error")) throw new CliException(1, m.path("error").asString());
                if (m.has("status") && !m.has("progressDetail") && !m.has("id")) ctx.out().println(m.path("status").asString());
            }
        }
        return 0;
    }
}
