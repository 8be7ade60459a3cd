package dev.berth.cli.format;

import java.math.BigDecimal;
import java.util.List;

/** The common part of Go's fmt.Sprintf: flags, width, precision and the verbs v s d q f g x t. */
final class Printf {
    private Printf() {}

    static String format(String fmt, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= fmt.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false, zero = false, plus = false;
            for (; i < fmt.length(); i++) {
                char f = fmt.charAt(i);
                if (f == '-') minus = true;
                else if (f == '0') zero = true;
                else if (f == '+') plus = true;
                else if (f != ' ' && f != '#') break;
            }
            int width = -1, prec = -1;
            int s = i;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
            if (i > s) width = Integer.parseInt(fmt.substring(s, i));
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                s = ++i;
                while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
                prec = i > s ? Integer.parseInt(fmt.substring(s, i)) : 0;
            }
            if (i >= fmt.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = fmt.charAt(i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object v = GoValues.unwrap(args.get(argi++));
            String text = switch (verb) {
                case 'v', 's' -> {
                    String p = GoValues.print(v);
                    yield prec >= 0 && p.length() > prec ? p.substring(0, prec) : p;
                }
                case 'q' -> quote(GoValues.print(v));
                case 'd' -> v instanceof Number n ? (plus && n.doubleValue() >= 0 ? "+" : "") + new BigDecimal(n.toString()).toBigInteger()
                        : "%!d(" + GoValues.typeName(v) + "=" + GoValues.print(v) + ")";
                case 'f', 'F' -> v instanceof Number n
                        ? (plus && n.doubleValue() >= 0 ? "+" : "") + new BigDecimal(n.toString()).setScale(prec < 0 ? 6 : prec, java.math.RoundingMode.HALF_EVEN).toPlainString()
                        : "%!f(" + GoValues.typeName(v) + "=" + GoValues.print(v) + ")";
                case 'g' -> v instanceof Number n ? Units.formatG(n.doubleValue(), prec) : "%!g(" + GoValues.print(v) + ")";
                case 'x', 'X' -> {
                    String h = v instanceof Number n ? new BigDecimal(n.toString()).toBigInteger().toString(16)
                            : java.util.HexFormat.of().formatHex(GoValues.print(v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    yield verb == 'X' ? h.toUpperCase(java.util.Locale.ROOT) : h;
                }
                case 't' -> v instanceof Boolean b ? b.toString() : "%!t(" + GoValues.print(v) + ")";
                default -> "%!" + verb + "(" + GoValues.typeName(v) + "=" + GoValues.print(v) + ")";
            };
            int pad = width - text.codePointCount(0, text.length());
            if (pad > 0) {
                if (minus) text = text + " ".repeat(pad);
                else if (zero && verb != 's' && verb != 'v' && verb != 'q') {
                    boolean sign = text.startsWith("-") || text.startsWith("+");
                    text = sign ? text.charAt(0) + "0".repeat(pad) + text.substring(1) : "0".repeat(pad) + text;
                } else text = " ".repeat(pad) + text;
            }
            out.append(text);
        }
        if (argi < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argi; k < args.size(); k++) {
                if (k > argi) out.append(", ");
                out.append(GoValues.typeName(args.get(k))).append('=').append(GoValues.print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
