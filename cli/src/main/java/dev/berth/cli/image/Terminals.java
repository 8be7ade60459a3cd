package dev.berth.cli.image;

/** Whether stdout is a terminal (progress bars drawn in place) or a pipe (plain lines). */
final class Terminals {
    private Terminals() {}

    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }
}
