package dev.berth.common.json;

import java.math.BigInteger;

/** A strict recursive-descent JSON parser (RFC 8259) into {@link JsonNode}s. */
final class JsonReader {
    private static final int MAX_DEPTH = 512;
    private final String s;
    private int i;
    private int depth;

    JsonReader(String s) {
        this.s = s;
    }

    JsonNode document() {
        JsonNode v = value();
        skipSpace();
        if (i < s.length()) throw error("unexpected data after the JSON value");
        return v;
    }

    private JsonNode value() {
        skipSpace();
        if (i >= s.length()) throw error("unexpected end of JSON input");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> JsonNode.text(string());
            case 't' -> literal("true", JsonNode.bool(true));
            case 'f' -> literal("false", JsonNode.bool(false));
            case 'n' -> literal("null", JsonNode.NULL);
            default -> {
                if (c == '-' || c >= '0' && c <= '9') yield number();
                throw error("invalid character '" + c + "' looking for beginning of value");
            }
        };
    }

    private ObjectNode object() {
        enter();
        i++;
        ObjectNode o = new ObjectNode();
        skipSpace();
        if (peek() == '}') {
            i++;
            depth--;
            return o;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("expected a member name");
            String name = string();
            skipSpace();
            expect(':');
            o.set(name, value());
            skipSpace();
            char c = next();
            if (c == '}') break;
            if (c != ',') throw error("expected ',' or '}' in object");
        }
        depth--;
        return o;
    }

    private ArrayNode array() {
        enter();
        i++;
        ArrayNode a = new ArrayNode();
        skipSpace();
        if (peek() == ']') {
            i++;
            depth--;
            return a;
        }
        while (true) {
            a.add(value());
            skipSpace();
            char c = next();
            if (c == ']') break;
            if (c != ',') throw error("expected ',' or ']' in array");
        }
        depth--;
        return a;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) throw error("JSON nested too deeply");
    }

    private String string() {
        i++; // the opening quote
        StringBuilder sb = null;
        int start = i;
        while (true) {
            if (i >= s.length()) throw error("unterminated string");
            char c = s.charAt(i);
            if (c == '"') {
                String tail = s.substring(start, i++);
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c < 0x20) throw error("control character in string");
            if (c != '\\') {
                i++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(s, start, i);
            i++;
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) throw error("short \\u escape");
                    try {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad \\u escape");
                    }
                    i += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
            start = i;
        }
    }

    private JsonNode number() {
        int start = i;
        if (peek() == '-') i++;
        digits();
        boolean integral = true;
        if (i < s.length() && s.charAt(i) == '.') {
            integral = false;
            i++;
            digits();
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            digits();
        }
        String text = s.substring(start, i);
        if (!integral) return new JsonNode.Real(Double.parseDouble(text));
        try {
            return JsonNode.number(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return new JsonNode.Big(new BigInteger(text));
        }
    }

    private void digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        if (i == start) throw error("expected a digit");
    }

    private JsonNode literal(String word, JsonNode v) {
        if (!s.startsWith(word, i)) throw error("invalid literal");
        i += word.length();
        return v;
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
        if (i >= s.length()) throw error("unexpected end of JSON input");
        return s.charAt(i++);
    }

    private void expect(char c) {
        if (next() != c) throw error("expected '" + c + "'");
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + i);
    }
}
