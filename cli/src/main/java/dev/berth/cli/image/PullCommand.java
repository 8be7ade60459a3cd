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

/** {@code pull [-a] [--platform P] [-q] NAME[:TAG|@DIGEST]}: POST /images/create?fromImage=...&tag=... */
@Command(name = "pull", description = "Download an image from a registry")
public final class PullCommand extends Verb {
    @Option(names = {"-a", "--all-tags"}, description = "Download all tagged images in the repository") boolean all;
    @Option(names = "--platform", description = "Set platform if server is multi-platform capable") String platform;
    @Option(names = {"-q", "--quiet"}, description = "Suppress verbose output") boolean quiet;
    @Option(names = "--disable-content-trust", description = "Skip image verification (default true)", arity = "0..1") String contentTrust;
    @Parameters(index = "0", paramLabel = "NAME[:TAG|@DIGEST]") String name;

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
