package dev.berth.cli.format;

import java.util.List;
import java.util.Map;

/**
 * Docker's --format rules for list commands (docker/cli formatter.Context): a {@code table}
 * prefix adds a header row and aligns columns with a tabwriter; {@code json} alone prints one
 * JSON object per row; the two-character sequences {@code \t} and {@code \n} become tab and
 * newline; every row ends with a newline.
 */
public final class Formatter {
    private final boolean table;
    private final Template template;
    private final Map<String, String> headers;

    private Formatter(boolean table, Template template, Map<String, String> headers) {
        this.table = table;
        this.template = template;
        this.headers = headers;
    }

    /**
     * @param format  the user's --format (already defaulted by the command)
     * @param headers column header per field name, e.g. {@code ID -> CONTAINER ID}
     * @throws TemplateException "template parsing error: ..." like Docker
     */
    public static Formatter of(String format, Map<String, String> headers) {
        boolean table = format.startsWith("table");
        String f = format;
        if (table) f = f.substring("table".length());
        else if (f.equals("json")) f = "{{json .}}";
        f = trimSpaces(f).replace("\\t", "\t").replace("\\n", "\n");
        try {
            return new Formatter(table, Template.parse(f), headers);
        } catch (TemplateException e) {
            throw new TemplateException("template parsing error: " + e.getMessage());
        }
    }

    /** strings.Trim(s, " "): only spaces, not tabs or newlines. */
    private static String trimSpaces(String s) {
        int b = 0, e = s.length();
        while (b < e && s.charAt(b) == ' ') b++;
        while (e > b && s.charAt(e - 1) == ' ') e--;
        return s.substring(b, e);
    }

    public boolean isTable() {
        return table;
    }

    /** Renders all rows (and the header for tables); the result ends with a newline per row. */
    public String render(List<?> rows) {
        StringBuilder body = new StringBuilder();
        for (Object row : rows) {
            try {
                body.append(template.execute(row));
            } catch (TemplateException e) {
                throw new TemplateException("template parsing error: " + e.getMessage());
            }
            body.append('\n');
        }
        if (!table) return body.toString();
        String header;
        try {
            header = template.execute(new HeaderRow(headers), Functions.header(), false);
        } catch (TemplateException e) {
            header = ""; // Docker ignores header errors too
        }
        return TabWriter.docker().write(header).write("\n").write(body.toString()).flush();
    }

    /** Header data: each field resolves to its column name, as Docker's FullHeader map does. */
    private record HeaderRow(Map<String, String> headers) implements TemplateRow {
        @Override
        public Object field(String name, List<Object> args) {
            String h = headers.get(name);
            if (h == null) return "";
            return args.isEmpty() ? h : "";
        }

        @Override
        public Map<String, Object> jsonFields() {
            return Map.of();
        }
    }
}
