package dev.berth.cli.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/** Docker's go-units: human durations and sizes, and size parsing for {@code -m 512m}. */
public final class Units {
    private static final String[] DECIMAL = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

    private Units() {}

    /** units.HumanDuration: "Less than a second", "About a minute", "3 weeks"... */
    public static String humanDuration(Duration d) {
        long seconds = d.getSeconds(); // truncates toward negative infinity; Go truncates toward zero
        if (d.isNegative() && d.getNano() != 0) seconds++;
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return seconds + " seconds";
        long minutes = seconds / 60;
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return minutes + " minutes";
        // d.Round(time.Hour): halves round away from zero.
        long hours = (d.toNanos() + Duration.ofMinutes(30).toNanos()) / Duration.ofHours(1).toNanos();
        if (hours == 1) return "About an hour";
        if (hours < 48) return hours + " hours";
        if (hours < 24 * 7 * 2) return hours / 24 + " days";
        if (hours < 24 * 30 * 2) return hours / 24 / 7 + " weeks";
        if (hours < 24 * 365 * 2) return hours / 24 / 30 + " months";
        return d.toHours() / 24 / 365 + " years";
    }

    /** units.HumanSize: decimal units, 4 significant digits ("2.746MB"). */
    public static String humanSize(double size) {
        return humanSizeWithPrecision(size, 4);
    }

    /** units.HumanSizeWithPrecision; Docker's ps and images use precision 3 ("4.26MB", "1e+03kB"). */
    public static String humanSizeWithPrecision(double size, int precision) {
        int i = 0;
        while (size >= 1000 && i < DECIMAL.length - 1) {
            size /= 1000;
            i++;
        }
        return formatG(size, precision) + DECIMAL[i];
    }

    /** units.BytesSize: binary units, 4 significant digits ("1.5GiB"). */
    public static String bytesSize(double size) {
        int i = 0;
        while (size >= 1024 && i < BINARY.length - 1) {
            size /= 1024;
            i++;
        }
        return formatG(size, 4) + BINARY[i];
    }

    /** units.RAMInBytes: "512m" = 512 MiB; k, m, g, t, p with optional "b"/"ib", case-insensitive. */
    public static long ramInBytes(String s) {
        return parseSize(s, 1024);
    }

    /** units.FromHumanSize: the same with decimal multipliers. */
    public static long fromHumanSize(String s) {
        return parseSize(s, 1000);
    }

    private static long parseSize(String s, long base) {
        int sep = -1;
        for (int i = s.length() - 1; i >= 0; i--) {
            if ("01234567890. ".indexOf(s.charAt(i)) >= 0) {
                sep = i;
                break;
            }
        }
        if (sep == -1) throw new IllegalArgumentException("invalid size: '" + s + "'");
        String num = s.charAt(sep) != ' ' ? s.substring(0, sep + 1) : s.substring(0, sep);
        String sfx = s.substring(sep + 1);
        double size;
        try {
            if (!num.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) throw new NumberFormatException();
            size = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("strconv.ParseFloat: parsing \"" + num + "\": invalid syntax");
        }
        if (size < 0) throw new IllegalArgumentException("invalid size: '" + s + "'");
        if (sfx.isEmpty()) return (long) size;
        String bad = "invalid suffix: '" + sfx.toLowerCase(Locale.ROOT) + "'";
        if (sfx.length() > 3) throw new IllegalArgumentException("invalid suffix: '" + sfx + "'");
        sfx = sfx.toLowerCase(Locale.ROOT);
        if (sfx.charAt(0) == 'b') {
            if (sfx.length() > 1) throw new IllegalArgumentException(bad);
            return (long) size;
        }
        int power = "kmgtp".indexOf(sfx.charAt(0)) + 1;
        if (power == 0) throw new IllegalArgumentException(bad);
        size *= Math.pow(base, power);
        if ((sfx.length() == 2 && sfx.charAt(1) != 'b') || (sfx.length() == 3 && !sfx.substring(1).equals("ib"))) {
            throw new IllegalArgumentException(bad);
        }
        return (long) size;
    }

    /**
     * Go's {@code %.<prec>g} (strconv 'g'): {@code prec} significant digits, trailing zeros dropped,
     * exponent form when the exponent is below -4 or at least {@code prec}. A negative precision
     * means the shortest representation.
     */
    public static String formatG(double v, int prec) {
        if (prec < 0) return GoValues.formatFloat(v);
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (prec == 0) prec = 1;
        if (v == 0) return "0";
        BigDecimal b = new BigDecimal(v).round(new MathContext(prec, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp < -4 || exp >= prec) {
            String digits = b.unscaledValue().abs().toString();
            String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return b.toPlainString();
    }
}
