package dev.berth.image;

import dev.berth.common.EngineException;
import java.util.Locale;
import java.util.Map;

/** Linux signal names and numbers, for validating STOPSIGNAL as Docker's signal.ParseSignal does. */
final class Signals {
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
            Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
            Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
            Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
            Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
            Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
            Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    private Signals() {}

    /** The signal number of {@code SIGTERM}, {@code TERM}, {@code 15} or {@code RTMIN+3}. */
    static int parse(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n > 0 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException notNumeric) {
            String name = s.toUpperCase(Locale.ROOT);
            name = name.startsWith("SIG") ? name.substring(3) : name;
            Integer n = NUMBERS.get(name);
            if (n != null) {
                return n;
            }
            if (name.startsWith("RTMIN") || name.startsWith("RTMAX")) {
                int base = name.startsWith("RTMIN") ? 34 : 64;
                String off = name.substring(5);
                try {
                    int v = off.isEmpty() ? base : base + Integer.parseInt(off);
                    if (v >= 34 && v <= 64) {
                        return v;
                    }
                } catch (NumberFormatException ignored) {
                    // falls through to the error
                }
            }
        }
        throw EngineException.invalid("Invalid signal: %s", s);
    }
}
