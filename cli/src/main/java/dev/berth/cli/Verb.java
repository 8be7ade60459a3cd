package dev.berth.cli;

import dev.berth.api.http.HttpStatusException;
import java.util.List;
import java.util.concurrent.Callable;

/** Base of every command: runs against {@link Context#current()} and returns the exit code. */
public abstract class Verb implements Callable<Integer> {
    @picocli.CommandLine.Option(names = "--help", usageHelp = true, description = "Print usage")
    boolean help;

    @Override
    public final Integer call() throws Exception {
        return run(Context.current());
    }

    protected abstract int run(Context ctx) throws Exception;

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
