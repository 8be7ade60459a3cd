package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;

public final class RenameCommand extends Verb {
    String container;
    String newName;

    @Override
    protected void define(Spec s) {
        s.about("Rename a container");
        s.args("CONTAINER NEW_NAME", 2, 2, a -> { container = a.get(0); newName = a.get(1); });
    }

    @Override
    protected int run(Context ctx) throws Exception {
        if (newName.isBlank()) throw new IllegalArgumentException("Error: Neither old nor new names may be empty");
        ctx.daemon().post(Query.of("/containers/%s/rename", container).add("name", newName.strip()), null);
        return 0;
    }
}
