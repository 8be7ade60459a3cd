package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rm", description = "Remove one or more containers")
public final class RmCommand extends Verb {
    @Option(names = {"-f", "--force"}, description = "Force the removal of a running container (uses SIGKILL)") boolean force;
    @Option(names = {"-v", "--volumes"}, description = "Remove anonymous volumes associated with the container") boolean volumes;
    @Option(names = {"-l", "--link"}, description = "Remove the specified link") boolean link;
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> containers;

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().delete(Query.of("/containers/%s", c)
                .flag("force", force).flag("v", volumes).flag("link", link)));
    }
}
