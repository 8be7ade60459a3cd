package dev.berth.cli.registry;

import dev.berth.cli.Context;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;

/** {@code logout [SERVER]}: forgets the stored login (config.json entry or credential helper). */
public final class LogoutCommand extends Verb {
    String server;

    @Override
    protected void define(Spec s) {
        s.about("Log out from a registry");
        s.args("[SERVER]", 0, 1, a -> server = a.size() > 0 ? a.get(0) : null);
    }

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
