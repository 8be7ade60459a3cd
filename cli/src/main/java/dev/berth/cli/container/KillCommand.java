package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "kill", description = "Kill one or more running containers")
public final class KillCommand extends Verb {
    @Option(names = {"-s", "--signal"}, description = "Signal to send to the container") String signal;
    @Parameters(arity = "1..*", paramLabel = "CONTAINER") List<String> containers;

    @Override
    protected int run(Context ctx) throws Exception {
        return forEach(ctx, containers, true, c -> ctx.daemon().post(Query.of("/containers/%s/kill", c).add("signal", signal), null));
    }
}
