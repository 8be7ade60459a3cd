package dev.berth.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One command's flags and arguments, parsed the way Docker's CLI parses them (spf13/pflag):
 * {@code --name v}, {@code --name=v}, {@code -e v}, {@code -ev}, {@code -e=v}, clustered booleans
 * {@code -dit}, {@code --rm=false}, {@code --} ends the flags, a lone {@code -} is an argument.
 * Commands declare their flags in code with a sink per flag: no annotations and no reflection, because
 * reflecting over a hundred annotated options cost the CLI most of its start-up time (ADR 0003).
 */
public final class Spec {
    /** No upper bound on the number of arguments. */
    public static final int MANY = Integer.MAX_VALUE;

    @FunctionalInterface
    public interface BoolSink {
        void set(boolean value);
    }

    @FunctionalInterface
    public interface StringSink {
        void set(String value);
    }

    @FunctionalInterface
    public interface IntSink {
        void set(int value);
    }

    @FunctionalInterface
    public interface LongSink {
        void set(long value);
    }

    @FunctionalInterface
    public interface ArgsSink {
        void set(List<String> args);
    }

    /** A declared flag; {@code type} is what help prints after the names ("" for booleans). */
    record Flag(char shortName, String longName, String type, String description, StringSink sink) {
        boolean isBool() {
            return type.isEmpty();
        }

        /** How pflag names a flag in its errors: {@code -n, --last} or {@code --rm}. */
        String display() {
            return shortName == 0 ? "--" + longName : "-" + shortName + ", --" + longName;
        }
    }

    private final String path;
    private final List<Flag> flags = new ArrayList<>();
    private final Map<String, Flag> byLong = new HashMap<>();
    private final Map<Character, Flag> byShort = new HashMap<>();
    private String description = "";
    private String argsUsage = "";
    private int minArgs;
    private int maxArgs;
    private ArgsSink argsSink = a -> {};
    private boolean interspersed = true;
    private boolean help;

    /** {@code path} is the command as typed, e.g. {@code "berth container ls"}. */
    public Spec(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public String description() {
        return description;
    }

    public Spec about(String text) {
        this.description = text;
        return this;
    }

    /**
     * The positional arguments: {@code usage} as help shows it (e.g. {@code CONTAINER [CONTAINER...]}),
     * how many are allowed, and where they go.
     */
    public Spec args(String usage, int min, int max, ArgsSink sink) {
        this.argsUsage = usage;
        this.minArgs = min;
        this.maxArgs = max;
        this.argsSink = sink;
        return this;
    }

    /** Flags end at the first argument (run, create, exec: the rest is the container's command). */
    public Spec flagsBeforeArgs() {
        this.interspersed = false;
        return this;
    }

    /** {@code names} as help shows them: {@code "-a, --all"} or {@code "--rm"}. */
    public Spec bool(String names, String description, BoolSink sink) {
        return add(names, "", description, v -> sink.set(parseBool(v, names)));
    }

    public Spec string(String names, String description, StringSink sink) {
        return add(names, "string", description, sink);
    }

    public Spec integer(String names, String description, IntSink sink) {
        return add(names, "int", description, v -> sink.set((int) parseLong(v, names, Integer.MIN_VALUE, Integer.MAX_VALUE)));
    }

    public Spec number(String names, String description, LongSink sink) {
        return add(names, "int", description, v -> sink.set(parseLong(v, names, Long.MIN_VALUE, Long.MAX_VALUE)));
    }

    /** A repeatable flag; each use appends to {@code into}. */
    public Spec list(String names, String description, List<String> into) {
        return add(names, "list", description, into::add);
    }

    /**
     * {@code "-e, --env"} split at the commas, blanks after them dropped: by hand, as
     * {@code split(",\\s*")} compiled a regex for each of the hundred flags run declares.
     */
    private static List<String> splitNames(String names) {
        List<String> out = new ArrayList<>(3);
        int start = 0;
        while (true) {
            int comma = names.indexOf(',', start);
            out.add(names.substring(start, comma < 0 ? names.length() : comma));
            if (comma < 0) return out;
            start = comma + 1;
            while (start < names.length() && Character.isWhitespace(names.charAt(start))) start++;
        }
    }

    /** The first long name is the flag's; later ones are aliases help does not show ({@code --net}). */
    private Spec add(String names, String type, String description, StringSink sink) {
        char shortName = 0;
        List<String> longNames = new ArrayList<>();
        for (String n : splitNames(names)) {
            if (n.startsWith("--")) longNames.add(n.substring(2));
            else if (n.length() == 2 && n.charAt(0) == '-') shortName = n.charAt(1);
            else throw new IllegalArgumentException("bad flag name " + n + " in " + path);
        }
        if (longNames.isEmpty()) throw new IllegalArgumentException("flag without a long name: " + names + " in " + path);
        Flag f = new Flag(shortName, longNames.getFirst(), type, description, sink);
        for (String l : longNames) {
            if (byLong.put(l, f) != null) throw new IllegalArgumentException("flag declared twice: --" + l + " in " + path);
        }
        if (shortName != 0) byShort.put(shortName, f);
        flags.add(f);
        return this;
    }

    /** True when {@code --help} was given: the command prints {@link #usage()} instead of running. */
    public boolean helpRequested() {
        return help;
    }

    /** Parses {@code argv[from..]} into the sinks. */
    public void parse(String[] argv, int from) {
        try {
            parseInto(argv, from);
        } catch (UsageException e) {
            throw e.in(this);
        }
    }

    private void parseInto(String[] argv, int from) {
        List<String> args = new ArrayList<>();
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!interspersed && !args.isEmpty() || a.length() < 2 || a.charAt(0) != '-') {
                args.add(a);
            } else if (a.equals("--")) {
                for (i++; i < argv.length; i++) args.add(argv[i]);
            } else if (a.startsWith("--")) {
                i = parseLong(argv, i);
            } else {
                i = parseShorts(argv, i);
            }
            if (help) return;
        }
        checkCount(args.size());
        argsSink.set(args);
    }

    private int parseLong(String[] argv, int i) {
        String a = argv[i];
        int eq = a.indexOf('=');
        String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        Flag f = byLong.get(name);
        if (f == null) {
            if (name.equals("help")) {
                help = true;
                return i;
            }
            throw new UsageException(this, "unknown flag: --" + name);
        }
        String value = eq < 0 ? null : a.substring(eq + 1);
        if (value == null) {
            if (f.isBool()) value = "true";
            else if (i + 1 < argv.length) value = argv[++i];
            else throw new UsageException(this, "flag needs an argument: --" + name);
        }
        f.sink().set(value);
        return i;
    }

    private int parseShorts(String[] argv, int i) {
        String a = argv[i];
        for (int j = 1; j < a.length(); j++) {
            char c = a.charAt(j);
            Flag f = byShort.get(c);
            if (f == null) {
                if (c == 'h') { // docker/cli: -h is help wherever a command does not use it
                    help = true;
                    return i;
                }
                throw new UsageException(this, "unknown shorthand flag: '" + c + "' in " + a);
            }
            String rest = a.substring(j + 1);
            if (f.isBool()) {
                if (rest.startsWith("=")) {
                    f.sink().set(rest.substring(1));
                    return i;
                }
                f.sink().set("true");
                continue;
            }
            if (!rest.isEmpty()) {
                f.sink().set(rest.startsWith("=") ? rest.substring(1) : rest);
            } else if (i + 1 < argv.length) {
                f.sink().set(argv[++i]);
            } else {
                throw new UsageException(this, "flag needs an argument: '" + c + "' in " + a);
            }
            return i;
        }
        return i;
    }

    /** docker/cli's cli/required.go wording. */
    private void checkCount(int n) {
        if (n >= minArgs && n <= maxArgs) return;
        String plural = minArgs == 1 ? " argument" : " arguments";
        if (maxArgs == 0) throw new UsageException(this, "berth: '" + path + "' accepts no arguments", false, 1);
        if (maxArgs == MANY) throw new UsageException(this, "berth: '" + path + "' requires at least " + minArgs + plural, true, 1);
        if (minArgs == maxArgs) throw new UsageException(this, "berth: '" + path + "' requires " + (minArgs == 1 ? "1 argument" : minArgs + plural), false, 1);
        throw new UsageException(this, "berth: '" + path + "' requires at least " + minArgs + " and at most " + maxArgs + " arguments", false, 1);
    }

    static boolean parseBool(String v, String names) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new UsageException(null, "invalid argument \"" + v + "\" for \"" + names
                    + "\" flag: strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
        };
    }

    static long parseLong(String v, String names, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            String why = v.matches("[-+]?\\d+") ? "value out of range" : "invalid syntax";
            throw new UsageException(null, "invalid argument \"" + v + "\" for \"" + names
                    + "\" flag: strconv.ParseInt: parsing \"" + v + "\": " + why);
        }
    }

    /** The synopsis line: {@code berth rm [OPTIONS] CONTAINER [CONTAINER...]}. */
    public String synopsis() {
        String s = path + (flags.isEmpty() ? "" : " [OPTIONS]");
        return argsUsage.isEmpty() ? s : s + " " + argsUsage;
    }

    /** The {@code --help} text, laid out like docker/cli's. */
    public String usage() {
        StringBuilder sb = new StringBuilder("\nUsage:  ").append(synopsis()).append("\n\n").append(description).append('\n');
        if (!flags.isEmpty()) {
            sb.append("\nOptions:\n").append(flagTable(flags));
        }
        return sb.toString();
    }

    /** Two columns: names with type, then the description, aligned as pflag's FlagUsages does. */
    static String flagTable(List<Flag> flags) {
        List<String> left = new ArrayList<>();
        int width = 0;
        for (Flag f : flags) {
            String names = (f.shortName() == 0 ? "      --" : "  -" + f.shortName() + ", --") + f.longName()
                    + (f.isBool() ? "" : " " + f.type());
            left.add(names);
            width = Math.max(width, names.length());
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < flags.size(); i++) {
            sb.append(left.get(i)).append(" ".repeat(width - left.get(i).length() + 3)).append(flags.get(i).description()).append('\n');
        }
        return sb.toString();
    }

    List<Flag> flags() {
        return flags;
    }
}
