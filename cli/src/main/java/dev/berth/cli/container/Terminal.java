package dev.berth.cli.container;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;

/** The local terminal, driven through stty on /dev/tty (no native code, nothing loaded at start). */
final class Terminal {
    private Terminal() {}

    static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Puts the terminal in raw mode; returns the state to restore, or null if it failed. */
    static String makeRaw() {
        String saved = stty("-g");
        if (saved == null) return null;
        if (stty("raw", "-echo") == null) return null;
        return saved.trim();
    }

    static void restore(String saved) {
        if (saved != null) stty(saved);
    }

    /** {rows, cols}, or null when unknown. */
    static int[] size() {
        String s = stty("size");
        if (s == null) return null;
        String[] p = s.trim().split("\\s+");
        try {
            return p.length == 2 ? new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String stty(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            return p.waitFor() == 0 ? out.toString() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
