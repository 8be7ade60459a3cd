package dev.berth.cli.system;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.Template;
import dev.berth.common.json.JsonNode;

/** {@code info}: the daemon's /info in Docker's layout, or a --format template over it. */
public final class InfoCommand extends Verb {
    static final String TEMPLATE = """
            Client:
             Version:    0.1.0
             Context:    default
             Debug Mode: false

            Server:
             Containers: {{.Containers}}
              Running: {{.ContainersRunning}}
              Paused: {{.ContainersPaused}}
              Stopped: {{.ContainersStopped}}
             Images: {{.Images}}
             Server Version: {{.ServerVersion}}
             Storage Driver: {{.Driver}}
             Logging Driver: {{.LoggingDriver}}
             Cgroup Driver: {{.CgroupDriver}}
             Cgroup Version: {{.CgroupVersion}}
             Runtimes:{{range $k, $v := .Runtimes}} {{$k}}{{end}}
             Default Runtime: {{.DefaultRuntime}}
             Kernel Version: {{.KernelVersion}}
             Operating System: {{.OperatingSystem}}
             OSType: {{.OSType}}
             Architecture: {{.Architecture}}
             CPUs: {{.NCPU}}
             Total Memory: {{.MemTotal}}
             Name: {{.Name}}
             ID: {{.ID}}
             Docker Root Dir: {{.DockerRootDir}}
             Debug Mode: {{.Debug}}
            """;

    String format;

    @Override
    protected void define(Spec s) {
        s.about("Display system-wide information");
        s.string("-f, --format", "Format output using a custom template", v -> format = v);
        s.args("", 0, 0, a -> {});
    }

    @Override
    protected int run(Context ctx) throws Exception {
        JsonNode info = ctx.daemon().get(Query.of("/info"));
        if (format != null && !format.isEmpty()) {
            ctx.out().println(Template.parse(format).execute(info));
            return 0;
        }
        String text = Template.parse(TEMPLATE).execute(info);
        // Memory in binary units, like docker info's units.BytesSize.
        long mem = info.path("MemTotal").asLong(0);
        text = text.replace("Total Memory: " + mem, "Total Memory: " + dev.berth.cli.format.Units.bytesSize(mem));
        ctx.out().print(text.replace("<no value>", ""));
        return 0;
    }
}
