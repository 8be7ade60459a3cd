package dev.berth.cli;

import dev.berth.api.http.HttpStatusException;
import java.util.List;

/** Base of every command: declares its flags and arguments, then runs and returns the exit code. */
public abstract class Verb {
    /** Declares the description, flags and arguments; the sinks fill this command's fields. */
    protected abstract void define(Spec s);

    protected abstract int run(Context ctx) throws Exception;

    /** Parses {@code args} into a new spec named {@code path}; for tests and {@link BerthCli}. */
    public final Spec parse(String path, String... args) {
        Spec s = new Spec(path);
        define(s);
        s.parse(args, 0);
        return s;
    }

    /** One action per target, like docker stop/rm/kill.... */
    @FunctionalInterface
    protected interface Action {
        void apply(String target) throws Exception;
    }

    /**
     * Applies {@code action} to each target, printing the target after each success and the
     * daemon's error otherwise; exit code 1 if any failed (Docker's behaviour).
     */
    protected static int forEach(Context ctx, List<String> targets, boolean echo, Action action) throws Exception {
        int rc = 0;
        for (String t : targets) {
            try {
                action.apply(t);
                if (echo) ctx.out().println(t);
            } catch (HttpStatusException e) {
                ctx.err().println("Error response from daemon: " + e.message());
                rc = 1;
            }
        }
        return rc;
    }
}
