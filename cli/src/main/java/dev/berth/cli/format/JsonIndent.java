package dev.berth.cli.format;

/**
 * Go's json.Indent over raw JSON text: keeps the original string escapes, puts each element on its
 * own line, {@code "key": value}, and leaves empty objects and arrays as {@code {}} and {@code []}.
 * This is how docker inspect prints.
 */
public final class JsonIndent {
    private JsonIndent() {}

    public static String indent(String json, String indent) {
        StringBuilder out = new StringBuilder(json.length() * 2);
        int depth = 0;
        boolean inString = false;
        boolean needIndent = false; // an opening bracket was written; newline pending unless it closes at once
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < json.length()) out.append(json.charAt(++i));
                else if (c == '"') inString = false;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
            if (needIndent && c != ']' && c != '}') {
                needIndent = false;
                depth++;
                newline(out, indent, depth);
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    out.append(c);
                }
                case '{', '[' -> {
                    out.append(c);
                    needIndent = true;
                }
                case ',' -> {
                    out.append(c);
                    newline(out, indent, depth);
                }
                case ':' -> out.append(": ");
                case '}', ']' -> {
                    if (needIndent) {
                        needIndent = false; // empty: "{}" / "[]"
                    } else {
                        depth--;
                        newline(out, indent, depth);
                    }
                    out.append(c);
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static void newline(StringBuilder out, String indent, int depth) {
        out.append('\n');
        out.append(indent.repeat(depth));
    }
}
