package dev.berth.cli.container;

import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code create}: the create half of run; prints the full id. */
public final class CreateCommand extends Verb {
    public ContainerOptions o = new ContainerOptions();

    @Override
    protected void define(Spec s) {
        s.about("Create a new container");
        o.define(s);
        s.flagsBeforeArgs();
    }

    @Override
    protected int run(Context ctx) throws Exception {
        CreateRequest.Request req;
        try {
            req = CreateRequest.build(o, false, false, ctx.env()::get, Containers::readLines);
        } catch (IllegalArgumentException e) {
            throw new CliException(125, "berth: " + e.getMessage() + "\n\nRun 'berth create --help' for more information");
        }
        try {
            String id = Containers.create(ctx, req, o.pull);
            if (o.cidfile != null) Files.writeString(Path.of(o.cidfile), id);
            ctx.out().println(id);
            return 0;
        } catch (HttpStatusException e) {
            throw new CliException(125, "Error response from daemon: " + e.message());
        }
    }
}
