package dev.berth.cli.registry;

import dev.berth.cli.Context;
import dev.berth.cli.Verb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code logout [SERVER]}: forgets the stored login (config.json entry or credential helper). */
@Command(name = "logout", description = "Log out from a registry")
public final class LogoutCommand extends Verb {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVER") String server;

    @Override
    protected int run(Context ctx) throws Exception {
        String address = server == null || server.isEmpty() ? CredentialStore.HUB : server;
        String host = CredentialStore.host(address);
        String key = CredentialStore.key(host);
        CredentialStore store = new CredentialStore(ctx.env());
        if (store.get(host).isEmpty() && !store.erase(host)) {
            ctx.out().println("Not logged in to " + key);
            return 0;
        }
        ctx.out().println("Removing login credentials for " + key);
        store.erase(host);
        return 0;
    }
}
