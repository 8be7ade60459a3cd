package dev.berth.cli;

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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth}: Docker's CLI over the Engine API. Only the command being run is registered with
 * picocli (found by peeking at argv), so start-up inspects one command class, not thirty.
 */
@Command(name = "berth", description = "A self-sufficient runtime for containers", synopsisSubcommandLabel = "COMMAND")
public final class BerthCli implements Runnable {
    static final List<String> TOP = List.of("run", "create", "start", "attach", "exec", "stop", "restart", "kill", "rm",
            "ps", "logs", "inspect", "wait", "import", "images", "tag", "rmi", "version", "info", "rename", "pause",
            "unpause", "top", "port", "container", "image", "pull", "push", "login", "logout", "save", "load", "history");
    static final List<String> CONTAINER = List.of("run", "create", "start", "attach", "exec", "stop", "restart", "kill",
            "rm", "ls", "logs", "inspect", "wait", "prune", "rename", "pause", "unpause", "top", "port");
    static final List<String> IMAGE = List.of("ls", "inspect", "tag", "rm", "prune", "import", "pull", "push", "save",
            "load", "history");

    @Option(names = {"-H", "--host"}, description = "Daemon socket to connect to (env BERTH_HOST)")
    String host;

    @Option(names = {"-D", "--debug"}, description = "Enable debug mode")
    boolean debug;

    @Option(names = "--help", usageHelp = true, description = "Print usage")
    boolean help;

    @Option(names = {"-v", "--version"}, description = "Print version information and quit")
    boolean version;

    private CommandLine self;

    @Override
    public void run() {
        if (version) {
            Context.current().out().println("berth version 0.1.0");
            return;
        }
        self.usage(Context.current().out());
    }

    /** Group commands: {@code berth container VERB}, {@code berth image VERB}. */
    @Command(name = "container", description = "Manage containers", synopsisSubcommandLabel = "COMMAND")
    static final class Group implements Runnable {
        @Option(names = "--help", usageHelp = true, description = "Print usage")
        boolean help;

        CommandLine self;

        @Override
        public void run() {
            self.usage(Context.current().out());
        }
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int rc;
        try {
            rc = execute(args, new FileInputStream(FileDescriptor.in), out, err, System.getenv());
        } finally {
            out.flush();
        }
        System.exit(rc);
    }

    /** Runs one command line; the exit code follows Docker's (125 for flag errors). */
    public static int execute(String[] args, java.io.InputStream in, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
        BerthCli root = new BerthCli();
        CommandLine cl = new CommandLine(root);
        root.self = cl;
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        String[] verbs = peekVerbs(args);
        register(cl, verbs[0], verbs[1]);
        // after register: picocli applies this to the subcommands present when it is called, so
        // `exec c sh -c x` leaves -c to the command instead of parsing it as an option
        cl.setStopAtPositional(true);
        cl.setExecutionStrategy(parsed -> {
            String h = root.host != null ? root.host : env.getOrDefault("BERTH_HOST", "");
            if (h.isEmpty()) h = Context.DEFAULT_HOST;
            if (!h.contains("://")) h = h.startsWith("/") ? "unix://" + h : "tcp://" + h;
            Context.install(new Context(h, in, out, err, env));
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println("berth: " + ex.getMessage());
            err.println();
            err.println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for more information");
            return 125;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            out.flush();
            return report(ex, err);
        });
        return cl.execute(args);
    }

    /** Maps an exception to Docker's message and exit code. */
    static int report(Exception ex, PrintStream err) {
        switch (ex) {
            case CliException e -> {
                if (e.getMessage() != null && !e.getMessage().isEmpty()) err.println(e.getMessage());
                return e.code();
            }
            case HttpStatusException e -> {
                err.println("Error response from daemon: " + e.message());
                return 1;
            }
            case ConnectException e -> {
                err.println(e.getMessage());
                return 1;
            }
            case TemplateException e -> {
                err.println(e.getMessage());
                return 1;
            }
            case IllegalArgumentException e -> {
                err.println(e.getMessage());
                return 1;
            }
            default -> {
                err.println("error: " + ex);
                return 1;
            }
        }
    }

    /** The first one or two words of argv that are not root options: {verb, subverb}. */
    static String[] peekVerbs(String[] args) {
        String verb = null, sub = null;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-H") || a.equals("--host")) {
                i++;
            } else if (!a.startsWith("-")) {
                verb = a;
                break;
            }
        }
        if (verb != null && (verb.equals("container") || verb.equals("image"))) {
            for (i++; i < args.length; i++) {
                if (!args[i].startsWith("-")) {
                    sub = args[i];
                    break;
                }
            }
        }
        return new String[] {verb, sub};
    }

    private static void register(CommandLine cl, String verb, String sub) {
        if (verb != null && TOP.contains(verb)) {
            add(cl, verb, sub);
        } else {
            for (String v : TOP) add(cl, v, null);
        }
    }

    private static void add(CommandLine cl, String verb, String sub) {
        if (verb.equals("container") || verb.equals("image")) {
            Group g = new Group();
            CommandLine gl = new CommandLine(g);
            g.self = gl;
            gl.getCommandSpec().name(verb).usageMessage().description(verb.equals("container") ? "Manage containers" : "Manage images");
            List<String> subs = verb.equals("container") ? CONTAINER : IMAGE;
            String canonical = sub == null ? null : canonical(verb, sub);
            for (String s : subs) {
                if (canonical == null || !subs.contains(canonical) || s.equals(canonical)) {
                    Object cmd = verb.equals("container") ? containerVerb(s) : imageVerb(s);
                    gl.addSubcommand(s, cmd, aliases(verb, s));
                }
            }
            cl.addSubcommand(verb, gl);
            return;
        }
        cl.addSubcommand(verb, topVerb(verb));
    }

    private static String canonical(String group, String sub) {
        return switch (sub) {
            case "ps", "list" -> "ls";
            case "remove", "rmi" -> "rm";
            default -> sub;
        };
    }

    private static String[] aliases(String group, String s) {
        return switch (s) {
            case "ls" -> group.equals("container") ? new String[] {"ps", "list"} : new String[] {"list"};
            case "rm" -> group.equals("container") ? new String[] {"remove"} : new String[] {"rmi", "remove"};
            default -> new String[0];
        };
    }

    private static Object topVerb(String v) {
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

    private static Object containerVerb(String v) {
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

    private static Object imageVerb(String v) {
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
