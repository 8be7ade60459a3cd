package dev.berth.cli;

import dev.berth.api.http.HttpClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command runs against: the daemon address, the standard streams and the environment.
 * Set once by {@link BerthCli} before a command runs; tests install their own.
 */
public final class Context {
    public static final String DEFAULT_HOST = "unix:///run/berth/berth.sock";
    private static Context current;

    private final String host;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private Daemon daemon;

    public Context(String host, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this(host, null, in, out, err, env);
    }

    /** With the daemon's client made already ({@link HttpClient#preconnect}); null: made on first use. */
    Context(String host, HttpClient client, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.host = host;
        this.daemon = client == null ? null : new Daemon(client);
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public static Context current() {
        return current;
    }

    public static void install(Context c) {
        current = c;
    }

    public String host() {
        return host;
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Map<String, String> env() {
        return env;
    }

    /** The Engine API client, created on first use so that --help never opens a socket. */
    public Daemon daemon() {
        if (daemon == null) daemon = new Daemon(HttpClient.of(host));
        return daemon;
    }
}
