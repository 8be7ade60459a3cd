package dev.berth.cli.system;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.format.TabWriter;
import dev.berth.cli.format.Template;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.berth.common.json.JsonNode;
import dev.berth.common.json.ObjectNode;

/** {@code version}: client and server versions, Docker's layout, or a --format template over {Client, Server}. */
public final class VersionCommand extends Verb {
    static final String CLIENT_VERSION = "0.1.0";
    static final String API_VERSION = "1.52";
    static final String TEMPLATE = """
            Client:
             Version:\t{{.Client.Version}}
             API version:\t{{.Client.ApiVersion}}
             Java version:\t{{.Client.JavaVersion}}
             OS/Arch:\t{{.Client.Os}}/{{.Client.Arch}}
             Context:\t{{.Client.Context}}
            {{- with .Server}}

            Server:{{with .Platform}}{{if .Name}} {{.Name}}{{end}}{{end}}
             Engine:
              Version:\t{{.Version}}
              API version:\t{{.ApiVersion}} (minimum version {{.MinAPIVersion}})
              Git commit:\t{{.GitCommit}}
              Built:\t{{.BuildTime}}
              OS/Arch:\t{{.Os}}/{{.Arch}}
              Experimental:\t{{if .Experimental}}true{{else}}false{{end}}
            {{- range .Components}}{{if ne .Name "Engine"}}
             {{.Name}}:
              Version:\t{{.Version}}{{end}}{{end}}
            {{- end}}
            """;

    String format;

    @Override
    protected void define(Spec s) {
        s.about("Show the Docker version information");
        s.string("-f, --format", "Format output using a custom template", v -> format = v);
        s.args("", 0, 0, a -> {});
    }

    @Override
    protected int run(Context ctx) throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        ObjectNode client = new ObjectNode().put("Version", CLIENT_VERSION).put("ApiVersion", API_VERSION)
                .put("DefaultAPIVersion", API_VERSION).put("JavaVersion", System.getProperty("java.version"))
                .put("Os", "linux").put("Arch", arch()).put("Context", "default");
        data.put("Client", client);
        Exception failure = null;
        JsonNode server = null;
        try {
            server = ctx.daemon().get(Query.of("/version"));
        } catch (Exception e) {
            failure = e;
        }
        data.put("Server", server);
        if (format != null && !format.isEmpty()) {
            ctx.out().println(Template.parse(format).execute(data));
        } else {
            ctx.out().print(new TabWriter(20, 1).write(Template.parse(TEMPLATE).execute(data) + "\n").flush());
        }
        if (failure != null) throw failure;
        return 0;
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }
}
