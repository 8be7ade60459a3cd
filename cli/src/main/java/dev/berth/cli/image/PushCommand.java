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

/** {@code push [-a] [-q] NAME[:TAG]}: POST /images/{name}/push?tag=... */
public final class PushCommand extends Verb {
    boolean all;
    boolean quiet;
    boolean disableContentTrust = true; // accepted for compatibility: berth does not sign images
    String name;

    @Override
    protected void define(Spec s) {
        s.about("Upload an image to a registry");
        s.bool("-a, --all-tags", "Push all tags of an image to the repository", v -> all = v);
        s.bool("-q, --quiet", "Suppress verbose output", v -> quiet = v);
        s.bool("--disable-content-trust", "Skip image signing (default true)", v -> disableContentTrust = v);
        s.args("NAME[:TAG]", 1, 1, a -> name = a.get(0));
    }

    @Override
    protected int run(Context ctx) throws Exception {
        ImageReference ref = ImageReference.parse(name);
        if (all && ref.tag().isPresent()) {
            throw new dev.berth.cli.CliException(1, "tag can't be used with --all-tags/-a");
        }
        if (ref.digest().isPresent()) {
            throw new dev.berth.cli.CliException(1, "cannot push a digest reference");
        }
        if (!all && ref.tag().isEmpty()) {
            ref = ref.withDefaultTag();
            if (!quiet) ctx.out().println("Using default tag: latest");
        }
        Query q = Query.of("/images/%s/push", ref.familiarName());
        if (!all) q.add("tag", ref.tag().orElseThrow());
        Map<String, String> headers = new HashMap<>();
        String auth = new CredentialStore(ctx.env()).header(ref.domain());
        // Docker's daemon requires the header; an empty AuthConfig means anonymous.
        headers.put("X-Registry-Auth", auth != null ? auth : "e30=");
        try (ClientResponse r = ctx.daemon().stream("POST", q, headers, null)) {
            JsonMessages.display(r.body(), ctx.out(), Terminals.isTerminal(), quiet, a -> {});
        }
        if (quiet) ctx.out().println(all ? ref.name() : ref.toString());
        return 0;
    }
}
