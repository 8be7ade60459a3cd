package dev.berth.cli.container;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.TabWriter;
import java.util.List;
import dev.berth.common.json.JsonNode;

/** {@code top}: the daemon's ps output as a table (docker uses tabwriter(20, 1, 3)). */
public final class TopCommand extends Verb {
    String container;
    List<String> psArgs = List.of();

    @Override
    protected void define(Spec s) {
        s.about("Display the running processes of a container");
        s.flagsBeforeArgs();
        s.args("CONTAINER [ps OPTIONS]", 1, Spec.MANY, a -> { container = a.get(0); psArgs = List.copyOf(a.subList(1, a.size())); });
    }

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode top = ctx.daemon().get(Query.of("/containers/%s/top", container)
                .add("ps_args", psArgs.isEmpty() ? null : String.join(" ", psArgs)));
        TabWriter w = new TabWriter(20, 3);
        StringBuilder sb = new StringBuilder();
        for (JsonNode t : top.path("Titles")) sb.append(t.asString()).append('\t');
        w.write(sb.append('\n').toString());
        for (JsonNode p : top.path("Processes")) {
            sb.setLength(0);
            for (JsonNode f : p) sb.append(f.asString()).append('\t');
            w.write(sb.append('\n').toString());
        }
        ctx.out().print(w.flush());
        return 0;
    }
}
