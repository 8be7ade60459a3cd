package dev.berth.cli.format;

import dev.berth.cli.format.Node.Arg;
import dev.berth.cli.format.Node.Command;
import dev.berth.cli.format.Node.Pipeline;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the subset of Go's text/template that Docker users write:
 * actions, pipelines, if/else if/else, range, with, variables, comments and trim markers.
 */
final class TemplateParser {
    private final String src;
    private final List<Item> items = new ArrayList<>();
    private int next;

    /** A lexed piece: text, or an action with its tokens. */
    private record Item(int pos, String text, List<Tok> toks) {
        boolean isAction() {
            return toks != null;
        }

        String keyword() {
            return toks != null && !toks.isEmpty() && toks.getFirst().kind == K.IDENT ? toks.getFirst().text : "";
        }
    }

    private enum K { FIELD, DOT, IDENT, VAR, STRING, NUMBER, PIPE, LPAREN, RPAREN, DECLARE, ASSIGN, COMMA }

    private record Tok(K kind, String text, int pos, Object value) {}

    TemplateParser(String src) {
        this.src = src;
    }

    List<Node> parse() {
        lex();
        List<Node> nodes = new ArrayList<>();
        Item stop = parseList(nodes);
        if (stop != null) {
            throw error(stop.pos, "unexpected {{" + stop.keyword() + "}}");
        }
        return nodes;
    }

    // ---------------------------------------------------------------- lexing

    private void lex() {
        int i = 0;
        boolean trimLeading = false;
        while (i <= src.length()) {
            int open = src.indexOf("{{", i);
            String text = open < 0 ? src.substring(i) : src.substring(i, open);
            if (trimLeading) {
                text = text.stripLeading();
            }
            if (open < 0) {
                if (!text.isEmpty()) items.add(new Item(i, text, null));
                return;
            }
            int start = open + 2;
            // "{{- " trims the whitespace before the action; the dash must be followed by a space.
            if (start + 1 < src.length() && src.charAt(start) == '-' && isSpace(src.charAt(start + 1))) {
                text = text.stripTrailing();
                start += 2;
            }
            if (!text.isEmpty()) items.add(new Item(i, text, null));
            int[] end = new int[1];
            List<Tok> toks = lexAction(start, end);
            int close = end[0];
            trimLeading = false;
            int after = close + 2;
            if (close >= 2 && src.charAt(close - 1) == '-' && isSpace(src.charAt(close - 2))) {
                trimLeading = true;
            }
            if (toks != null) items.add(new Item(open, null, toks)); // null toks = comment
            i = after;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Lexes from {@code i} to the closing braces; end[0] receives the index of "}}". */
    private List<Tok> lexAction(int i, int[] end) {
        List<Tok> toks = new ArrayList<>();
        int n = src.length();
        while (i < n && isSpace(src.charAt(i))) i++;
        if (src.startsWith("/*", i)) {
            int c = src.indexOf("*/", i + 2);
            if (c < 0) throw error(i, "unclosed comment");
            int j = c + 2;
            while (j < n && (isSpace(src.charAt(j)) || src.charAt(j) == '-') && !src.startsWith("}}", j)) j++;
            if (!src.startsWith("}}", j)) throw error(i, "comment ends before closing delimiter");
            end[0] = j;
            return null;
        }
        while (true) {
            if (i >= n) throw error(i, "unclosed action");
            char c = src.charAt(i);
            if (src.startsWith("}}", i)) {
                end[0] = i;
                return toks;
            }
            if (c == '-' && i + 3 <= n && src.startsWith("}}", i + 1) && i > 0 && isSpace(src.charAt(i - 1))) {
                end[0] = i + 1;
                return toks;
            }
            if (isSpace(c)) {
                i++;
            } else if (c == '|') {
                toks.add(new Tok(K.PIPE, "|", i, null));
                i++;
            } else if (c == '(') {
                toks.add(new Tok(K.LPAREN, "(", i, null));
                i++;
            } else if (c == ')') {
                toks.add(new Tok(K.RPAREN, ")", i, null));
                i++;
            } else if (c == ',') {
                toks.add(new Tok(K.COMMA, ",", i, null));
                i++;
            } else if (c == ':' && i + 1 < n && src.charAt(i + 1) == '=') {
                toks.add(new Tok(K.DECLARE, ":=", i, null));
                i += 2;
            } else if (c == '=') {
                toks.add(new Tok(K.ASSIGN, "=", i, null));
                i++;
            } else if (c == '"') {
                int j = i + 1;
                StringBuilder sb = new StringBuilder();
                while (true) {
                    if (j >= n || src.charAt(j) == '\n') throw error(i, "unterminated quoted string");
                    char d = src.charAt(j);
                    if (d == '"') break;
                    if (d == '\\' && j + 1 < n) {
                        char e = src.charAt(++j);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case '\\' -> sb.append('\\');
                            case '"' -> sb.append('"');
                            case '\'' -> sb.append('\'');
                            case '0' -> sb.append('\0');
                            case 'u' -> {
                                sb.append((char) Integer.parseInt(src.substring(j + 1, j + 5), 16));
                                j += 4;
                            }
                            default -> throw error(j, "invalid syntax");
                        }
                    } else {
                        sb.append(d);
                    }
                    j++;
                }
                toks.add(new Tok(K.STRING, src.substring(i, j + 1), i, sb.toString()));
                i = j + 1;
            } else if (c == '`') {
                int j = src.indexOf('`', i + 1);
                if (j < 0) throw error(i, "unterminated raw quoted string");
                toks.add(new Tok(K.STRING, src.substring(i, j + 1), i, src.substring(i + 1, j)));
                i = j + 1;
            } else if (c == '.' && (i + 1 >= n || !isIdentStart(src.charAt(i + 1)))) {
                if (i + 1 < n && Character.isDigit(src.charAt(i + 1))) {
                    i = lexNumber(toks, i);
                } else {
                    toks.add(new Tok(K.DOT, ".", i, null));
                    i++;
                }
            } else if (c == '.') {
                int j = identEnd(i + 1);
                toks.add(new Tok(K.FIELD, src.substring(i + 1, j), i, null));
                i = j;
            } else if (c == '$') {
                int j = identEnd(i + 1);
                toks.add(new Tok(K.VAR, src.substring(i, j), i, null));
                i = j;
            } else if (Character.isDigit(c) || ((c == '-' || c == '+') && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
                i = lexNumber(toks, i);
            } else if (isIdentStart(c)) {
                int j = identEnd(i);
                toks.add(new Tok(K.IDENT, src.substring(i, j), i, null));
                i = j;
            } else {
                throw error(i, "unexpected \"" + c + "\" in command");
            }
        }
    }

    private int lexNumber(List<Tok> toks, int i) {
        int j = i + 1;
        while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '.' || src.charAt(j) == '_')) j++;
        String text = src.substring(i, j);
        Object value;
        try {
            String clean = text.replace("_", "");
            if (clean.matches("[-+]?\\d+")) {
                value = Long.parseLong(clean);
            } else if (clean.matches("[-+]?0[xX][0-9a-fA-F]+")) {
                boolean neg = clean.startsWith("-");
                long v = Long.parseLong(clean.replaceFirst("^[-+]?0[xX]", ""), 16);
                value = neg ? -v : v;
            } else {
                value = new BigDecimal(clean).doubleValue();
            }
        } catch (NumberFormatException e) {
            throw error(i, "bad number syntax: \"" + text + "\"");
        }
        toks.add(new Tok(K.NUMBER, text, i, value));
        return j;
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private int identEnd(int i) {
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
        return i;
    }

    // ---------------------------------------------------------------- parsing

    /** Parses nodes into {@code out} until {{end}} or {{else ...}}, which it returns (null at EOF). */
    private Item parseList(List<Node> out) {
        while (next < items.size()) {
            Item item = items.get(next++);
            if (!item.isAction()) {
                out.add(new Node.Text(item.text));
                continue;
            }
            switch (item.keyword()) {
                case "end", "else" -> {
                    return item;
                }
                case "if", "with", "range" -> out.add(parseControl(item, item.keyword(), 1));
                case "define", "template", "block", "break", "continue" ->
                        throw error(item.pos, "{{" + item.keyword() + "}} is not supported");
                default -> {
                    if (item.toks.isEmpty()) throw error(item.pos, "missing value for command");
                    out.add(new Node.Action(item.pos, new Cursor(item.toks, 0).pipeline(true, false)));
                }
            }
        }
        return null;
    }

    /** Parses {{if|with|range pipeline}} ... [{{else [if ...]}} ...] {{end}}; {@code from} skips the keyword(s). */
    private Node parseControl(Item item, String kind, int from) {
        Cursor cur = new Cursor(item.toks, from);
        if (cur.atEnd()) throw error(item.pos, "missing value for " + kind);
        Pipeline pipe = cur.pipeline(true, kind.equals("range"));
        List<Node> then = new ArrayList<>();
        Item stop = parseList(then);
        if (stop == null) throw error(item.pos, "unexpected EOF");
        List<Node> otherwise = List.of();
        if (stop.keyword().equals("else")) {
            otherwise = new ArrayList<>();
            if (stop.toks.size() > 1 && stop.toks.get(1).kind == K.IDENT
                    && (stop.toks.get(1).text.equals("if") || stop.toks.get(1).text.equals("with"))) {
                // "else if" is sugar for else {{if}} ... {{end}} sharing the outer {{end}}.
                otherwise.add(parseControl(stop, stop.toks.get(1).text, 2));
                return make(kind, item.pos, pipe, then, otherwise);
            }
            if (stop.toks.size() > 1) throw error(stop.pos, "unexpected tokens after else");
            Item end = parseList(otherwise);
            if (end == null || !end.keyword().equals("end")) throw error(item.pos, "expected end; found " + (end == null ? "EOF" : end.keyword()));
            if (end.toks.size() > 1) throw error(end.pos, "unexpected tokens after end");
        } else if (stop.toks.size() > 1) {
            throw error(stop.pos, "unexpected tokens after end");
        }
        return make(kind, item.pos, pipe, then, otherwise);
    }

    private static Node make(String kind, int pos, Pipeline pipe, List<Node> then, List<Node> otherwise) {
        return switch (kind) {
            case "if" -> new Node.If(pos, pipe, then, otherwise);
            case "with" -> new Node.With(pos, pipe, then, otherwise);
            default -> new Node.Range(pos, pipe, then, otherwise);
        };
    }

    TemplateException error(int pos, String msg) {
        int line = 1;
        for (int i = 0; i < pos && i < src.length(); i++) if (src.charAt(i) == '\n') line++;
        return new TemplateException("template: :" + line + ": " + msg);
    }

    /** Token cursor within one action. */
    private final class Cursor {
        private final List<Tok> toks;
        private int i;

        Cursor(List<Tok> toks, int i) {
            this.toks = toks;
            this.i = i;
        }

        boolean atEnd() {
            return i >= toks.size();
        }

        Tok peek() {
            return atEnd() ? null : toks.get(i);
        }

        Pipeline pipeline(boolean top, boolean allowTwoVars) {
            int pos = atEnd() ? 0 : peek().pos;
            List<String> decl = new ArrayList<>();
            // Look ahead for "$x :=" or "$x, $y :=".
            if (top && peek() != null && peek().kind == K.VAR) {
                int save = i;
                List<String> vars = new ArrayList<>();
                vars.add(toks.get(i++).text);
                if (allowTwoVars && peek() != null && peek().kind == K.COMMA) {
                    i++;
                    if (peek() == null || peek().kind != K.VAR) throw error(pos, "expected variable after comma");
                    vars.add(toks.get(i++).text);
                }
                if (peek() != null && (peek().kind == K.DECLARE || peek().kind == K.ASSIGN)) {
                    i++;
                    decl = vars;
                } else {
                    i = save;
                }
            }
            List<Command> cmds = new ArrayList<>();
            while (true) {
                cmds.add(command());
                if (atEnd() || peek().kind == K.RPAREN) break;
                if (peek().kind != K.PIPE) throw error(peek().pos, "unexpected \"" + peek().text + "\" in operand");
                i++;
            }
            if (top && !atEnd()) throw error(peek().pos, "unexpected \"" + peek().text + "\" in command");
            return new Pipeline(pos, List.copyOf(decl), cmds);
        }

        Command command() {
            List<Arg> args = new ArrayList<>();
            int pos = atEnd() ? 0 : peek().pos;
            while (!atEnd() && peek().kind != K.PIPE && peek().kind != K.RPAREN) {
                args.add(operand());
            }
            if (args.isEmpty()) throw error(pos, "missing value for command");
            return new Command(pos, args);
        }

        Arg operand() {
            Tok t = toks.get(i++);
            return switch (t.kind) {
                case DOT -> new Node.Dot(t.pos);
                case FIELD -> new Node.Field(t.pos, fields(t.text));
                case VAR -> new Node.Variable(t.pos, t.text, fields(null));
                case STRING, NUMBER -> new Node.Literal(t.pos, t.value, t.text);
                case IDENT -> switch (t.text) {
                    case "true" -> new Node.Literal(t.pos, Boolean.TRUE, "true");
                    case "false" -> new Node.Literal(t.pos, Boolean.FALSE, "false");
                    case "nil" -> new Node.Nil(t.pos);
                    default -> new Node.Identifier(t.pos, t.text);
                };
                case LPAREN -> {
                    Pipeline p = pipeline(false, false);
                    if (atEnd() || peek().kind != K.RPAREN) throw error(t.pos, "unclosed left paren");
                    i++;
                    yield new Node.Chain(t.pos, p, fields(null));
                }
                default -> throw error(t.pos, "unexpected \"" + t.text + "\" in operand");
            };
        }

        /** Collects the ".B.C" that directly follow (no space) the current token. */
        private List<String> fields(String first) {
            List<String> names = new ArrayList<>();
            if (first != null) names.add(first);
            while (!atEnd() && peek().kind == K.FIELD && adjacent()) {
                names.add(toks.get(i++).text);
            }
            return List.copyOf(names);
        }

        private boolean adjacent() {
            Tok prev = toks.get(i - 1);
            int prevEnd = prev.kind == K.FIELD ? prev.pos + 1 + prev.text.length()
                    : prev.kind == K.RPAREN ? prev.pos + 1 : prev.pos + prev.text.length();
            return peek().pos == prevEnd;
        }
    }
}
