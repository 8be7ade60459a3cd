package dev.berth.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter with flags 0 and a space pad character: tab-terminated cells in adjacent
 * lines form a column, padded to its widest cell plus {@code padding}, at least {@code minwidth}.
 * The last cell of a line is not part of a column. Docker's tables use (10, 1, 3, ' ', 0).
 */
public final class TabWriter {
    private final int minwidth;
    private final int padding;
    private final StringBuilder text = new StringBuilder();

    public TabWriter(int minwidth, int padding) {
        this.minwidth = minwidth;
        this.padding = padding;
    }

    /** Docker's table writer: {@code tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)}. */
    public static TabWriter docker() {
        return new TabWriter(10, 3);
    }

    public TabWriter write(String s) {
        text.append(s);
        return this;
    }

    /** Formats everything written so far and resets. */
    public String flush() {
        // Split into lines of cells; the text after the last tab of a line is its last cell.
        List<List<String>> lines = new ArrayList<>();
        List<String> line = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\t' || c == '\u000b') {
                line.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\f') {
                line.add(cell.toString());
                cell.setLength(0);
                lines.add(line);
                line = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        // Go terminates a pending cell on Flush only when it has text; an empty trailing line stays empty.
        if (!cell.isEmpty()) line.add(cell.toString());
        lines.add(line);
        text.setLength(0);
        StringBuilder out = new StringBuilder();
        format(out, lines, new ArrayList<>(), 0, lines.size());
        return out.toString();
    }

    private void format(StringBuilder out, List<List<String>> lines, List<Integer> widths, int line0, int line1) {
        int column = widths.size();
        for (int t = line0; t < line1; t++) {
            if (column >= lines.get(t).size() - 1) continue;
            // A column block starts here: print the lines above it, then size the column.
            writeLines(out, lines, widths, line0, t);
            line0 = t;
            int width = minwidth;
            for (; t < line1; t++) {
                List<String> l = lines.get(t);
                if (column >= l.size() - 1) break;
                width = Math.max(width, width(l.get(column)) + padding);
            }
            widths.add(width);
            format(out, lines, widths, line0, t);
            widths.removeLast();
            line0 = t;
            t--; // the for loop's t++ would skip the line that ended the block
        }
        writeLines(out, lines, widths, line0, line1);
    }

    private static void writeLines(StringBuilder out, List<List<String>> lines, List<Integer> widths, int line0, int line1) {
        for (int i = line0; i < line1; i++) {
            List<String> l = lines.get(i);
            for (int j = 0; j < l.size(); j++) {
                String c = l.get(j);
                out.append(c);
                if (j < widths.size()) out.append(" ".repeat(Math.max(0, widths.get(j) - width(c))));
            }
            if (i + 1 < lines.size()) out.append('\n');
        }
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
