package dev.berth.cli;

/**
 * A command line the command cannot take: an unknown flag, a bad flag value (exit 125, like
 * docker/cli's flag errors) or the wrong number of arguments (exit 1). Printed with the command's
 * synopsis, in docker/cli's layout.
 */
public final class UsageException extends RuntimeException {
    private Spec spec;
    private final boolean seeHelp;
    private final int code;

    public UsageException(Spec spec, String message) {
        this(spec, message, false, 125);
    }

    UsageException(Spec spec, String message, boolean seeHelp, int code) {
        super(message);
        this.spec = spec;
        this.seeHelp = seeHelp;
        this.code = code;
    }

    /** Flag values are checked where the spec is not at hand; the parse names the command. */
    UsageException in(Spec s) {
        if (spec == null) spec = s;
        return this;
    }

    public int code() {
        return code;
    }

    /** The whole text for stderr. */
    public String render() {
        if (spec == null) return getMessage();
        String help = "'" + spec.path() + " --help' for more information";
        return getMessage() + "\n\nUsage:  " + spec.synopsis() + "\n\n" + (seeHelp ? "See " : "Run ") + help;
    }
}
