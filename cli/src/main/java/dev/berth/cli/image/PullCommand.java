package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.registry.CredentialStore;
import dev.berth.oci.ImageReference;
import java.util.HashMap;
import java.util.Map;

/** {@code pull [-a] [--platform P] [-q] NAME[:TAG|@DIGEST]}: POST /images/create?fromImage=...&tag=... */
public final class PullCommand extends Verb {
    boolean all;
    String platform;
    boolean quiet;
    boolean disableContentTrust = true; // accepted for compatibility: berth does not sign images
    String name;

    @Override
    protected void define(Spec s) {
        s.about("Download an image from a registry");
        s.bool("-a, --all-tags", "Download all tagged images in the repository", v -> all = v);
        s.string("--platform", "Set platform if server is multi-platform capable", v -> platform = v);
        s.bool("-q, --quiet", "Suppress verbose output", v -> quiet = v);
        s.bool("--disable-content-trust", "Skip image verification (default true)", v -> disableContentTrust = v);
        s.args("NAME[:TAG|@DIGEST]", 1, 1, a -> name = a.get(0));
    }

    @Override
    protected int run(Context ctx) throws Exception {
        ImageReference parsed = ImageReference.parse(name);
        if (all && (parsed.tag().isPresent() || parsed.digest().isPresent())) {
            throw new dev.berth.cli.CliException(1, "tag can't be used with --all-tags/-a");
        }
        ImageReference ref = all ? parsed : parsed.withDefaultTag();
        if (!all && !quiet && ref.tag().isPresent() && ImageReference.parse(name).tag().isEmpty() && ref.digest().isEmpty()) {
            ctx.out().println("Using default tag: latest");
        }
        pull(ctx, ref, all, platform, ctx.out(), quiet);
        ctx.out().println(all ? ref.name() : ref.toString());
        return 0;
    }

    /**
     * Pulls {@code ref} (every tag with {@code all}) through the daemon, with the credentials of
     * config.json, showing Docker's progress on {@code out}; run and create use it for a missing image.
     */
    public static void pull(Context ctx, ImageReference ref, boolean all, String platform, java.io.PrintStream out,
                            boolean quiet) throws Exception {
        Query q = Query.of("/images/create").add("fromImage", ref.familiarName());
        if (!all) q.add("tag", ref.digest().orElseGet(() -> ref.tag().orElse("")));
        q.add("platform", platform);
        Map<String, String> headers = new HashMap<>();
        String auth = new CredentialStore(ctx.env()).header(ref.domain());
        if (auth != null) headers.put("X-Registry-Auth", auth);
        try (ClientResponse r = ctx.daemon().stream("POST", q, headers, null)) {
            JsonMessages.display(r.body(), out, Terminals.isTerminal(), quiet, a -> {});
        }
    }
}
