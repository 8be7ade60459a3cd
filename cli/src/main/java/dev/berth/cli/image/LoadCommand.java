package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** {@code load [-i FILE] [-q]}: POST /images/load with the archive (stdin by default) as body. */
public final class LoadCommand extends Verb {
    String input;
    boolean quiet;
    String platform;

    @Override
    protected void define(Spec s) {
        s.about("Load an image from a tar archive or STDIN");
        s.string("-i, --input", "Read from tar archive file, instead of STDIN", v -> input = v);
        s.bool("-q, --quiet", "Suppress the load output", v -> quiet = v);
        s.string("--platform", "Load only the given platform variant", v -> platform = v);
        s.args("", 0, 0, a -> {});
    }

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
        // as docker/cli: progress bars only on a terminal; otherwise the daemon sends just the results
        boolean terminal = Terminals.isTerminal();
        Query q = Query.of("/images/load").flag("quiet", quiet || !terminal).add("platform", platform);
        try (body; ClientResponse r = ctx.daemon().upload(q, "application/x-tar", body)) {
            JsonMessages.display(r.body(), ctx.out(), terminal, quiet, a -> {});
        }
        return 0;
    }
}
