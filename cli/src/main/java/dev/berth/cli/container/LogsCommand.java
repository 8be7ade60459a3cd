package dev.berth.cli.container;

import dev.berth.api.http.ClientResponse;
import dev.berth.api.http.StdCopy;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneId;

/** {@code logs}: the container's log, raw for a TTY container, demultiplexed otherwise. */
public final class LogsCommand extends Verb {
    boolean follow;
    String tail = "all";
    String since;
    String until;
    boolean timestamps;
    boolean details;
    String container;

    Query query(String id, Instant now, ZoneId zone) {
        return Query.of("/containers/%s/logs", id).add("stdout", "1").add("stderr", "1")
                .add("since", since == null ? null : Timestamps.parse(since, now, zone))
                .add("until", until == null ? null : Timestamps.parse(until, now, zone))
                .flag("timestamps", timestamps).flag("follow", follow).add("tail", tail).flag("details", details);
    }

    @Override
    protected void define(Spec s) {
        s.about("Fetch the logs of a container");
        s.bool("-f, --follow", "Follow log output", v -> follow = v);
        s.string("-n, --tail", "Number of lines to show from the end of the logs (default \"all\")", v -> tail = v);
        s.string("--since", "Show logs since timestamp or relative (e.g. 42m for 42 minutes)", v -> since = v);
        s.string("--until", "Show logs before a timestamp or relative (e.g. 42m for 42 minutes)", v -> until = v);
        s.bool("-t, --timestamps", "Show timestamps", v -> timestamps = v);
        s.bool("--details", "Show extra details provided to logs", v -> details = v);
        s.args("CONTAINER", 1, 1, a -> container = a.get(0));
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
