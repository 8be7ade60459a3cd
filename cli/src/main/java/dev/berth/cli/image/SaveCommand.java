package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code save [-o FILE] IMAGE...}: GET /images/get?names=... With {@code -o}, the archive goes to
 * a temporary file beside FILE that is renamed into place once complete, so a failed save leaves
 * no partial FILE (docker/cli's CopyToFile).
 */
public final class SaveCommand extends Verb {
    String output;
    List<String> platform = new ArrayList<>();
    List<String> images;

    @Override
    protected void define(Spec s) {
        s.about("Save one or more images to a tar archive (streamed to STDOUT by default)");
        s.string("-o, --output", "Write to a file, instead of STDOUT", v -> output = v);
        s.list("--platform", "Save only the given platform variant", platform);
        s.args("IMAGE [IMAGE...]", 1, Spec.MANY, a -> images = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        if (output == null && Terminals.isTerminal()) {
            throw new CliException(1, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
        }
        Path target = null;
        if (output != null) {
            target = Path.of(output).toAbsolutePath();
            if (!Files.isDirectory(target.getParent())) {
                throw new CliException(1, "failed to save image: invalid output path: directory \""
                        + target.getParent() + "\" does not exist");
            }
        }
        Query q = Query.of("/images/get");
        for (String i : images) q.add("names", i);
        for (String p : platform) q.add("platform", p);
        try (ClientResponse r = ctx.daemon().stream("GET", q, null); InputStream in = r.body()) {
            if (target == null) {
                copy(in, ctx.out());
                ctx.out().flush();
                return 0;
            }
            Path tmp = Files.createTempFile(target.getParent(), ".docker_temp_", "");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    copy(in, out);
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }

    /** As transferTo, in pieces of 1 MiB rather than 16 KiB: an archive is hundreds of MiB. */
    private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
        byte[] buf = new byte[1 << 20];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
    }
}
