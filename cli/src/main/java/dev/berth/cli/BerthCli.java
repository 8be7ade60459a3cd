package dev.berth.cli;

import dev.berth.api.http.HttpClient;
import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.container.AttachCommand;
import dev.berth.cli.container.ContainerPruneCommand;
import dev.berth.cli.container.CreateCommand;
import dev.berth.cli.container.ExecCommand;
import dev.berth.cli.container.KillCommand;
import dev.berth.cli.container.LogsCommand;
import dev.berth.cli.container.PauseCommand;
import dev.berth.cli.container.PortCommand;
import dev.berth.cli.container.PsCommand;
import dev.berth.cli.container.RenameCommand;
import dev.berth.cli.container.RestartCommand;
import dev.berth.cli.container.RmCommand;
import dev.berth.cli.container.RunCommand;
import dev.berth.cli.container.StartCommand;
import dev.berth.cli.container.StopCommand;
import dev.berth.cli.container.TopCommand;
import dev.berth.cli.container.UnpauseCommand;
import dev.berth.cli.container.WaitCommand;
import dev.berth.cli.format.TemplateException;
import dev.berth.cli.image.ImageInspectCommand;
import dev.berth.cli.image.ImagePruneCommand;
import dev.berth.cli.image.ImagesCommand;
import dev.berth.cli.image.ImportCommand;
import dev.berth.cli.image.RmiCommand;
import dev.berth.cli.image.TagCommand;
import dev.berth.cli.system.InfoCommand;
import dev.berth.cli.system.InspectCommand;
import dev.berth.cli.system.VersionCommand;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code berth}: Docker's CLI over the Engine API. Only the command being run is built: its
 * {@link Verb#define} declares its flags into a {@link Spec}, which parses argv the way docker/cli does.
 */
public final class BerthCli {
    static final List<String> TOP = List.of("run", "create", "start", "attach", "exec", "stop", "restart", "kill", "rm",
            "ps", "logs", "inspect", "wait", "import", "images", "tag", "rmi", "version", "info", "rename", "pause",
            "unpause", "top", "port", "container", "image", "pull", "push", "login", "logout", "save", "load", "history");
    static final List<String> CONTAINER = List.of("run", "create", "start", "attach", "exec", "stop", "restart", "kill",
            "rm", "ls", "logs", "inspect", "wait", "prune", "rename", "pause", "unpause", "top", "port");
    static final List<String> IMAGE = List.of("ls", "inspect", "tag", "rm", "prune", "import", "pull", "push", "save",
            "load", "history");
    static final String VERSION = "berth version 0.1.0";

    private BerthCli() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int rc;
        try {
            rc = execute(args, new FileInputStream(FileDescriptor.in), out, err, System.getenv());
        } finally {
            out.flush();
        }
        // halt, not exit: the CLI has no shutdown hooks, and exit's Runtime.exit logging costs a few ms of start-up
        Runtime.getRuntime().halt(rc);
    }

    /** The options before the command, as docker's. */
    private static final class Globals {
        String host;
        boolean version;
        List<String> rest = List.of();

        Spec spec() {
            return new Spec("berth").about("A self-sufficient runtime for containers").flagsBeforeArgs()
                    .bool("-D, --debug", "Enable debug mode", v -> {})
                    .string("-H, --host", "Daemon socket to connect to (env BERTH_HOST)", v -> host = v)
                    .string("-l, --log-level", "Set the logging level (\"debug\", \"info\", \"warn\", \"error\", \"fatal\")", v -> {})
                    .bool("-v, --version", "Print version information and quit", v -> version = v)
                    .args("COMMAND", 0, Spec.MANY, a -> rest = a);
        }
    }

    /** Runs one command line; the exit code follows Docker's (125 for flag errors). */
    public static int execute(String[] args, java.io.InputStream in, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        try {
            Globals g = new Globals();
            Spec root = g.spec();
            root.parse(args, 0);
            if (g.version) {
                out.println(VERSION);
                return 0;
            }
            if (root.helpRequested() || g.rest.isEmpty()) {
                out.print(rootUsage(root));
                return 0;
            }
            String[] rest = g.rest.toArray(String[]::new);
            String verb = rest[0];
            if (!TOP.contains(verb)) return unknown(err, "berth " + verb, "berth");
            int next = 1;
            String path = "berth " + verb;
            Verb command;
            if (verb.equals("container") || verb.equals("image")) {
                List<String> subs = verb.equals("container") ? CONTAINER : IMAGE;
                String sub = rest.length > 1 ? canonical(verb, rest[1]) : null;
                if (sub == null || sub.equals("--help") || sub.equals("-h")) {
                    out.print(groupUsage(verb, subs));
                    return 0;
                }
                if (!subs.contains(sub)) return unknown(err, path + " " + rest[1], path);
                path += " " + rest[1];
                next = 2;
                command = verb.equals("container") ? containerVerb(sub) : imageVerb(sub);
            } else {
                command = topVerb(verb);
            }
            String h = g.host != null ? g.host : env.getOrDefault("BERTH_HOST", "");
            if (h.isEmpty()) h = Context.DEFAULT_HOST;
            if (!h.contains("://")) h = h.startsWith("/") ? "unix://" + h : "tcp://" + h;
            // connect while the command's flags are declared and parsed: the first socket's set-up
            // in the JDK takes as long as that (see HttpClient.preconnect)
            HttpClient client = h.startsWith("unix://") && !wantsHelp(rest, next) ? preconnected(h) : null;
            Spec spec = new Spec(path);
            command.define(spec);
            spec.parse(rest, next);
            if (spec.helpRequested()) {
                out.print(spec.usage());
                return 0;
            }
            Context ctx = new Context(h, client, in, out, err, env);
            Context.install(ctx);
            return command.run(ctx);
        } catch (UsageException e) {
            err.println(e.render());
            return e.code();
        } catch (Exception e) {
            out.flush();
            return report(e, err);
        }
    }

    /** A client for {@code host} already connecting; null if the address is bad (the command reports it). */
    private static HttpClient preconnected(String host) {
        try {
            HttpClient c = HttpClient.of(host);
            c.preconnect();
            return c;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the command's words ask for its help, which needs no daemon (not -h: run's hostname). */
    private static boolean wantsHelp(String[] rest, int from) {
        for (int i = from; i < rest.length; i++) {
            if (rest[i].equals("--")) return false;
            if (rest[i].equals("--help")) return true;
        }
        return false;
    }

    private static int unknown(PrintStream err, String what, String parent) {
        err.println("berth: unknown command: " + what + "\n\nRun '" + parent + " --help' for more information");
        return 1;
    }

    private static String rootUsage(Spec root) {
        StringBuilder sb = new StringBuilder("\nUsage:  berth [OPTIONS] COMMAND\n\n").append(root.description()).append("\n\n");
        sb.append("Management Commands:\n");
        sb.append(commandTable(List.of("container", "image"), v -> v.equals("container") ? "Manage containers" : "Manage images"));
        sb.append("\nCommands:\n");
        List<String> verbs = TOP.stream().filter(v -> !v.equals("container") && !v.equals("image")).sorted().toList();
        sb.append(commandTable(verbs, v -> describe(topVerb(v))));
        sb.append("\nGlobal Options:\n").append(Spec.flagTable(root.flags()));
        return sb.append("\nRun 'berth COMMAND --help' for more information on a command.\n").toString();
    }

    private static String groupUsage(String group, List<String> subs) {
        StringBuilder sb = new StringBuilder("\nUsage:  berth " + group + " COMMAND\n\n")
                .append(group.equals("container") ? "Manage containers" : "Manage images").append("\n\nCommands:\n");
        sb.append(commandTable(subs, s -> describe(group.equals("container") ? containerVerb(s) : imageVerb(s))));
        return sb.append("\nRun 'berth " + group + " COMMAND --help' for more information on a command.\n").toString();
    }

    private static String describe(Verb v) {
        Spec s = new Spec("");
        v.define(s);
        return s.description();
    }

    private static String commandTable(List<String> names, java.util.function.Function<String, String> about) {
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String n : names) sb.append("  ").append(n).append(" ".repeat(width - n.length() + 4)).append(about.apply(n)).append('\n');
        return sb.toString();
    }

    /** Maps an exception to Docker's message and exit code. */
    static int report(Exception ex, PrintStream err) {
        // instanceof, not a pattern switch: its indy bootstrap would cost every failing command ~2 ms
        if (ex instanceof CliException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) err.println(e.getMessage());
            return e.code();
        }
        if (ex instanceof HttpStatusException e) {
            err.println("Error response from daemon: " + e.message());
        } else if (ex instanceof ConnectException || ex instanceof TemplateException || ex instanceof IllegalArgumentException) {
            err.println(ex.getMessage());
        } else {
            err.println("error: " + ex);
        }
        return 1;
    }

    /** Docker's aliases in the groups: container ps/list = ls, container remove and image rmi/remove = rm. */
    private static String canonical(String group, String sub) {
        return switch (sub) {
            case "list" -> "ls";
            case "ps" -> group.equals("container") ? "ls" : sub;
            case "remove" -> "rm";
            case "rmi" -> group.equals("image") ? "rm" : sub;
            default -> sub;
        };
    }

    private static Verb topVerb(String v) {
        return switch (v) {
            case "ps" -> new PsCommand();
            case "images" -> new ImagesCommand();
            case "tag" -> new TagCommand();
            case "rmi" -> new RmiCommand();
            case "import" -> new ImportCommand();
            case "save" -> new dev.berth.cli.image.SaveCommand();
            case "load" -> new dev.berth.cli.image.LoadCommand();
            case "history" -> new dev.berth.cli.image.HistoryCommand();
            case "pull" -> new dev.berth.cli.image.PullCommand();
            case "push" -> new dev.berth.cli.image.PushCommand();
            case "login" -> new dev.berth.cli.registry.LoginCommand();
            case "logout" -> new dev.berth.cli.registry.LogoutCommand();
            case "version" -> new VersionCommand();
            case "info" -> new InfoCommand();
            case "inspect" -> new InspectCommand(null);
            default -> containerVerb(v);
        };
    }

    private static Verb containerVerb(String v) {
        return switch (v) {
            case "run" -> new RunCommand();
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "attach" -> new AttachCommand();
            case "exec" -> new ExecCommand();
            case "stop" -> new StopCommand();
            case "restart" -> new RestartCommand();
            case "kill" -> new KillCommand();
            case "rm" -> new RmCommand();
            case "ls", "ps" -> new PsCommand();
            case "logs" -> new LogsCommand();
            case "inspect" -> new InspectCommand("container");
            case "wait" -> new WaitCommand();
            case "prune" -> new ContainerPruneCommand();
            case "rename" -> new RenameCommand();
            case "pause" -> new PauseCommand();
            case "unpause" -> new UnpauseCommand();
            case "top" -> new TopCommand();
            case "port" -> new PortCommand();
            default -> throw new IllegalStateException(v);
        };
    }

    private static Verb imageVerb(String v) {
        return switch (v) {
            case "ls" -> new ImagesCommand();
            case "inspect" -> new ImageInspectCommand();
            case "tag" -> new TagCommand();
            case "rm" -> new RmiCommand();
            case "prune" -> new ImagePruneCommand();
            case "import" -> new ImportCommand();
            case "pull" -> new dev.berth.cli.image.PullCommand();
            case "push" -> new dev.berth.cli.image.PushCommand();
            case "save" -> new dev.berth.cli.image.SaveCommand();
            case "load" -> new dev.berth.cli.image.LoadCommand();
            case "history" -> new dev.berth.cli.image.HistoryCommand();
            default -> throw new IllegalStateException(v);
        };
    }
}
