package dev.berth.image;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.oci.ContainerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code docker import/commit --change} lines (Dockerfile instructions) to an image config,
 * as Docker's {@code BuildFromConfig} does. Variable substitution ({@code $VAR}) is not performed.
 */
final class ChangeParser {
    private static final Set<String> VALID = Set.of("cmd", "entrypoint", "healthcheck", "env", "expose", "label",
            "onbuild", "stopsignal", "user", "volume", "workdir");
    private static final Pattern PORT = Pattern.compile("^(\\d+)(?:-(\\d+))?(?:/(\\w+))?$");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private final ContainerConfig.Builder c;
    private boolean cmdSet;

    private ChangeParser(ContainerConfig base) {
        this.c = base.toBuilder();
    }

    /** @throws EngineException INVALID_ARGUMENT with Docker's message for a bad change */
    static ContainerConfig apply(ContainerConfig base, List<String> changes) {
        List<String[]> instructions = new ArrayList<>();
        for (String line : logicalLines(String.join("\n", changes))) {
            String[] split = line.trim().split("\\s+", 2);
            instructions.add(new String[] {split[0], split.length > 1 ? split[1].trim() : ""});
        }
        // Docker validates every instruction before applying any.
        for (String[] i : instructions) {
            if (!VALID.contains(i[0].toLowerCase(Locale.ROOT))) {
                throw EngineException.invalid("%s is not a valid change command", i[0]);
            }
        }
        ChangeParser p = new ChangeParser(base);
        for (String[] i : instructions) {
            p.dispatch(i[0].toUpperCase(Locale.ROOT), i[1]);
        }
        return p.c.build();
    }

    /** Joins backslash continuations and drops blank and comment lines. */
    private static List<String> logicalLines(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.stripTrailing();
            if (cur.isEmpty() && (line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1);
                continue;
            }
            cur.append(line);
            out.add(cur.toString());
            cur.setLength(0);
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private void dispatch(String cmd, String args) {
        switch (cmd) {
            case "CMD" -> {
                c.cmd = command(args, true);
                cmdSet = true;
            }
            case "ENTRYPOINT" -> {
                c.entrypoint = command(args, true);
                if (!cmdSet) {
                    c.cmd = null; // Docker: an ENTRYPOINT resets an inherited CMD
                }
            }
            case "ENV" -> {
                List<String> env = c.env == null ? new ArrayList<>() : new ArrayList<>(c.env);
                for (var kv : nameValues("ENV", args).entrySet()) {
                    env.removeIf(e -> e.equals(kv.getKey()) || e.startsWith(kv.getKey() + "="));
                    env.add(kv.getKey() + "=" + kv.getValue());
                }
                c.env = env;
            }
            case "LABEL" -> {
                Map<String, String> labels = c.labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.labels);
                labels.putAll(nameValues("LABEL", args));
                c.labels = labels;
            }
            case "EXPOSE" -> {
                List<String> words = words(args);
                if (words.isEmpty()) {
                    throw EngineException.invalid("EXPOSE requires at least one argument");
                }
                Map<String, Object> ports = c.exposedPorts == null ? new LinkedHashMap<>()
                        : new LinkedHashMap<>(c.exposedPorts);
                for (String w : words) {
                    for (String p : ports(w)) {
                        ports.put(p, Map.of());
                    }
                }
                c.exposedPorts = ports;
            }
            case "USER" -> c.user = exactlyOne("USER", args);
            case "WORKDIR" -> {
                String dir = exactlyOne("WORKDIR", args);
                Path base = Path.of(c.workingDir == null || c.workingDir.isEmpty() ? "/" : c.workingDir);
                c.workingDir = base.resolve(dir).normalize().toString();
            }
            case "VOLUME" -> {
                List<String> vols = jsonArray(args);
                if (vols == null) {
                    vols = words(args);
                }
                if (vols.isEmpty()) {
                    throw EngineException.invalid("VOLUME requires at least one argument");
                }
                Map<String, Object> volumes = c.volumes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.volumes);
                for (String v : vols) {
                    if (v.isBlank()) {
                        throw EngineException.invalid("VOLUME specified can not be an empty string");
                    }
                    volumes.put(v.trim(), Map.of());
                }
                c.volumes = volumes;
            }
            case "STOPSIGNAL" -> {
                String sig = exactlyOne("STOPSIGNAL", args);
                Signals.parse(sig);
                c.stopSignal = sig;
            }
            case "ONBUILD" -> {
                if (args.isEmpty()) {
                    throw EngineException.invalid("ONBUILD requires at least one argument");
                }
                String trigger = args.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
                if (trigger.equals("ONBUILD")) {
                    throw EngineException.invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
                }
                if (trigger.equals("FROM") || trigger.equals("MAINTAINER")) {
                    throw EngineException.invalid("%s isn't allowed as an ONBUILD trigger", trigger);
                }
                List<String> onBuild = c.onBuild == null ? new ArrayList<>() : new ArrayList<>(c.onBuild);
                onBuild.add(args);
                c.onBuild = onBuild;
            }
            case "HEALTHCHECK" -> c.healthcheck = healthcheck(args);
            default -> throw new IllegalStateException(cmd);
        }
    }

    /** JSON (exec) form when the arguments are a JSON string array, else {@code /bin/sh -c}. */
    private static List<String> command(String args, boolean shellFallback) {
        List<String> json = jsonArray(args);
        if (json != null) {
            return json;
        }
        return shellFallback ? List.of("/bin/sh", "-c", args) : List.of(args);
    }

    private static List<String> jsonArray(String args) {
        if (!args.startsWith("[")) {
            return null;
        }
        try {
            String[] a = Json.read(args, String[].class);
            return a == null ? null : List.of(a);
        } catch (RuntimeException notJson) {
            return null; // Docker treats a malformed JSON form as a shell command
        }
    }

    private static String exactlyOne(String cmd, String args) {
        List<String> w = words(args);
        if (w.size() != 1) {
            throw EngineException.invalid("%s requires exactly one argument", cmd);
        }
        return w.getFirst();
    }

    /**
     * {@code key=value ...} pairs, or the legacy {@code key value with spaces} form, with Dockerfile
     * quoting (double and single quotes, backslash escapes) removed.
     */
    private static Map<String, String> nameValues(String cmd, String args) {
        List<String> w = words(args);
        if (w.isEmpty()) {
            throw EngineException.invalid("%s requires at least one argument", cmd);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (!w.getFirst().contains("=")) {
            if (w.size() < 2) {
                throw EngineException.invalid("%s must have two arguments", cmd);
            }
            String rest = args.substring(args.indexOf(rawFirstWord(args)) + rawFirstWord(args).length()).trim();
            out.put(w.getFirst(), unquote(rest));
            return out;
        }
        for (String kv : w) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw EngineException.invalid(
                        "Syntax error - can't find = in \"%s\". Must be of the form: name=value", kv);
            }
            if (eq == 0) {
                throw EngineException.invalid("%s names can not be blank", cmd);
            }
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    private static String rawFirstWord(String args) {
        return args.trim().split("\\s+", 2)[0];
    }

    private static String unquote(String s) {
        List<String> w = words(s);
        return w.size() == 1 && (s.startsWith("\"") || s.startsWith("'")) ? w.getFirst() : s;
    }

    /** Splits on unquoted whitespace and removes quotes, as Dockerfile word processing does. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote == 0 && Character.isWhitespace(ch)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                continue;
            }
            inWord = true;
            if (ch == '\\' && quote != '\'' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
            } else if (quote == 0 && (ch == '"' || ch == '\'')) {
                quote = ch;
            } else if (ch == quote) {
                quote = 0;
            } else {
                cur.append(ch);
            }
        }
        if (quote != 0) {
            throw EngineException.invalid("unexpected end of statement while looking for matching %s", quote);
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** nat.ParsePortSpecs for EXPOSE: {@code 80}, {@code 80/udp}, {@code 8000-8002/tcp}. */
    private static List<String> ports(String spec) {
        Matcher m = PORT.matcher(spec);
        if (!m.matches()) {
            throw EngineException.invalid("invalid containerPort: %s", spec.split("/")[0]);
        }
        String proto = m.group(3) == null ? "tcp" : m.group(3).toLowerCase(Locale.ROOT);
        if (!Set.of("tcp", "udp", "sctp").contains(proto)) {
            throw EngineException.invalid("invalid proto: %s", proto);
        }
        int start = Integer.parseInt(m.group(1));
        int end = m.group(2) == null ? start : Integer.parseInt(m.group(2));
        if (start > 65535 || end > 65535 || end < start) {
            throw EngineException.invalid("invalid containerPort: %s", spec.split("/")[0]);
        }
        List<String> out = new ArrayList<>();
        for (int p = start; p <= end; p++) {
            out.add(p + "/" + proto);
        }
        return out;
    }

    private static ContainerConfig.HealthConfig healthcheck(String args) {
        List<String> w = words(args);
        long interval = 0;
        long timeout = 0;
        long startPeriod = 0;
        long startInterval = 0;
        int retries = 0;
        int i = 0;
        for (; i < w.size() && w.get(i).startsWith("--"); i++) {
            String[] kv = w.get(i).substring(2).split("=", 2);
            String v = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "interval" -> interval = duration(v);
                case "timeout" -> timeout = duration(v);
                case "start-period" -> startPeriod = duration(v);
                case "start-interval" -> startInterval = duration(v);
                case "retries" -> retries = Integer.parseInt(v);
                default -> throw EngineException.invalid("Unknown flag: %s", kv[0]);
            }
        }
        String rest = i < w.size() ? w.get(i) : "";
        if (rest.equalsIgnoreCase("NONE")) {
            return new ContainerConfig.HealthConfig(List.of("NONE"), 0, 0, 0, 0, 0);
        }
        if (!rest.equalsIgnoreCase("CMD")) {
            throw EngineException.invalid("Unknown type \"%s\" in HEALTHCHECK (try CMD)", rest);
        }
        // The command text after CMD, untouched, as Docker keeps it.
        String cmdText = args.substring(args.toUpperCase(Locale.ROOT).indexOf("CMD") + 3).trim();
        List<String> json = jsonArray(cmdText);
        List<String> test = new ArrayList<>();
        if (json != null) {
            test.add("CMD");
            test.addAll(json);
        } else {
            test.add("CMD-SHELL");
            test.add(cmdText);
        }
        return new ContainerConfig.HealthConfig(test, interval, timeout, startPeriod, startInterval, retries);
    }

    /** Go's time.ParseDuration for the units Dockerfiles use; nanoseconds. */
    static long duration(String s) {
        Matcher m = DURATION.matcher(s);
        double total = 0;
        int pos = 0;
        while (m.find() && m.start() == pos) {
            double v = Double.parseDouble(m.group(1));
            total += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            pos = m.end();
        }
        if (pos != s.length() || s.isEmpty()) {
            throw EngineException.invalid("time: invalid duration \"%s\"", s);
        }
        return (long) total;
    }
}
