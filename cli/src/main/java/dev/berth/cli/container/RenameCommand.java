package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rename", description = "Rename a container")
public final class RenameCommand extends Verb {
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;
    @Parameters(index = "1", paramLabel = "NEW_NAME") String newName;

    @Override
    protected int run(Context ctx) throws Exception {
        if (newName.isBlank()) throw new IllegalArgumentException("Error: Neither old nor new names may be empty");
        ctx.daemon().post(Query.of("/containers/%s/rename", container).add("name", newName.strip()), null);
        return 0;
    }
}
