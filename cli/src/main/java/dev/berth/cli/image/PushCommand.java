package dev.berth.cli.image;

import dev.berth.api.http.ClientResponse;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import dev.berth.cli.registry.CredentialStore;
import dev.berth.oci.ImageReference;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code push [-a] [-q] NAME[:TAG]}: POST /images/{name}/push?tag=... */
@Command(name = "push", description = "Upload an image to a registry")
public final class PushCommand extends Verb {
    @Option(names = {"-a", "--all-tags"}, description = "Push all tags of an image to the repository") boolean all;
    @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output") boolean quiet;
    @Option(names = "--disable-content-trust", description = "Skip image signing (default true)", arity = "0..1") String contentTrust;
    @Parameters(index = "0", paramLabel = "NAME[:TAG]") String name;

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
