package dev.berth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Docker's "[y/N]" confirmation: only "y" or "Y" confirms. */
public final class Prompt {
    private Prompt() {}

    public static boolean confirm(Context ctx, String message) throws IOException {
        ctx.out().print(message + " [y/N] ");
        ctx.out().flush();
        // Read one line byte by byte: a buffered reader would swallow input meant for later.
        InputStream in = ctx.in();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') line.write(b);
        String answer = line.toString().trim();
        return answer.equals("y") || answer.equals("Y");
    }
}
