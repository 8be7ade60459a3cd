package dev.berth.entropy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Build step of the CLI's linked runtime (scripts/cli-runtime.sh): rewrites the configuration files
 * that the JDK parses at a CLI call's first socket. {@code conf/security/java.security} gets
 * {@link URandomProvider} as provider 1 (the JDK's providers follow, renumbered, in their order);
 * both it and {@code conf/net.properties} lose their comments, which are most of their bytes
 * (72 KB to 3 KB) and which the JDK reads with interpreted code at every start. Every property keeps
 * its value: the files load into the same {@link java.util.Properties}, providers aside.
 */
public final class RuntimeConfig {
    private static final Pattern PROVIDER = Pattern.compile("^(\\s*security\\.provider\\.)(\\d+)(?=\\s|=|:)");

    private RuntimeConfig() {
    }

    /** {@code RuntimeConfig <runtime directory>}: rewrites its two files in place (each atomically). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RuntimeConfig <linked runtime directory>");
            System.exit(2);
        }
        Path conf = Path.of(args[0], "conf");
        Path security = conf.resolve("security/java.security");
        replace(security, "# the JDK's java.security without its comments and with " + URandomProvider.NAME
                + " first, as berth's build writes it (dev.berth.entropy.RuntimeConfig, ADR 0014)\n"
                + withFirstProvider(withoutComments(read(security)), URandomProvider.NAME));
        Path net = conf.resolve("net.properties");
        if (Files.exists(net)) {
            replace(net, withoutComments(read(net)));
        }
    }

    /**
     * The logical lines of a properties text that hold a property, in order, each with its line
     * terminators as they were: comment and blank lines dropped, continuation lines kept with their line.
     */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length() / 8);
        boolean continued = false;
        for (String line : naturalLines(text)) {
            if (!continued && isCommentOrBlank(line)) {
                continue;
            }
            out.append(line);
            continued = endsWithOddBackslashes(line);
        }
        return out.toString();
    }

    /** Shifts every {@code security.provider.N} to N+1 and puts {@code name} first. */
    static String withFirstProvider(String text, String name) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        out.append("security.provider.1=").append(name).append('\n');
        boolean continued = false;
        for (String line : naturalLines(text)) {
            Matcher m = continued ? null : PROVIDER.matcher(line);
            if (m != null && m.find()) {
                out.append(m.group(1)).append(Integer.parseInt(m.group(2)) + 1).append(line, m.end(), line.length());
            } else {
                out.append(line);
            }
            continued = (continued || !isCommentOrBlank(line)) && endsWithOddBackslashes(line);
        }
        return out.toString();
    }

    /** Lines with their terminators (\n, \r\n or \r, as java.util.Properties reads them). */
    private static List<String> naturalLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                lines.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    private static boolean isCommentOrBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\f') {
                continue;
            }
            return c == '#' || c == '!' || c == '\n' || c == '\r';
        }
        return true;
    }

    private static boolean endsWithOddBackslashes(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        int backslashes = 0;
        while (end - backslashes > 0 && line.charAt(end - backslashes - 1) == '\\') {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    // the JDK reads both files as ISO-8859-1 (Properties.load(InputStream))
    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
