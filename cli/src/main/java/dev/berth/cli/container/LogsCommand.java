package dev.berth.cli.container;

import dev.berth.api.http.ClientResponse;
import dev.berth.api.http.StdCopy;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code logs}: the container's log, raw for a TTY container, demultiplexed otherwise. */
@Command(name = "logs", description = "Fetch the logs of a container")
public final class LogsCommand extends Verb {
    @Option(names = {"-f", "--follow"}, description = "Follow log output") boolean follow;
    @Option(names = {"-n", "--tail"}, description = "Number of lines to show from the end of the logs (default \"all\")") String tail = "all";
    @Option(names = "--since", description = "Show logs since timestamp or relative (e.g. 42m for 42 minutes)") String since;
    @Option(names = "--until", description = "Show logs before a timestamp or relative (e.g. 42m for 42 minutes)") String until;
    @Option(names = {"-t", "--timestamps"}, description = "Show timestamps") boolean timestamps;
    @Option(names = "--details", description = "Show extra details provided to logs") boolean details;
    @Parameters(index = "0", paramLabel = "CONTAINER") String container;

    Query query(String id, Instant now, ZoneId zone) {
        return Query.of("/containers/%s/logs", id).add("stdout", "1").add("stderr", "1")
                .add("since", since == null ? null : Timestamps.parse(since, now, zone))
                .add("until", until == null ? null : Timestamps.parse(until, now, zone))
                .flag("timestamps", timestamps).flag("follow", follow).add("tail", tail).flag("details", details);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        var c = Containers.inspect(ctx, container);
        boolean tty = c.path("Config").path("Tty").asBoolean();
        try (ClientResponse r = ctx.daemon().stream("GET", query(c.path("Id").asString(), Instant.now(), ZoneId.systemDefault()), null)) {
            InputStream in = r.body();
            if (tty) {
                OutputStream out = AttachSession.flushing(ctx.out());
                in.transferTo(out);
            } else {
                StdCopy.demux(in, ctx.out(), ctx.err()); // flushes when it has nothing more at hand
            }
        }
        return 0;
    }
}
