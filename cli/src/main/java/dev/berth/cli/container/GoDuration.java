package dev.berth.cli.container;

/** Go's time.ParseDuration ("1m30s", "500ms", "1.5h"), returning nanoseconds. */
public final class GoDuration {
    private GoDuration() {}

    public static long parseNanos(String s) {
        String orig = s;
        if (s.equals("0")) return 0;
        boolean neg = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.isEmpty()) throw bad(orig);
        double total = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) throw bad(orig);
            double v = Double.parseDouble(s.substring(start, i));
            int us = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            long unit = switch (s.substring(us, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
                default -> throw new IllegalArgumentException("time: unknown unit \"" + s.substring(us, i) + "\" in duration \"" + orig + "\"");
            };
            total += v * unit;
        }
        return (long) (neg ? -total : total);
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException("time: invalid duration \"" + s + "\"");
    }
}
