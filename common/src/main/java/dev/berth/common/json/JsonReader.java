package dev.berth.common.json;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * A strict recursive-descent JSON parser (RFC 8259) into {@link JsonNode}s, over the UTF-8 bytes.
 *
 * <p>It runs in a CLI call that ends before the JIT compiles it: interpreted, every bytecode per input
 * byte counts. So it reads a {@code byte[]} (one {@code baload} per byte, where {@code String.charAt}
 * is a chain of calls), keeps the position in a local inside its loops, and makes a string with one
 * copy: Latin-1 straight from the bytes when the scan saw only ASCII, UTF-8 decoding otherwise. A
 * 12 KB {@code /containers/json} of 30 containers parsed in ~12 ms this way through {@code charAt}
 * of a decoded String, and in ~3 ms over the bytes (first call, fresh JVM, AOT cache).
 */
final class JsonReader {
    private static final int MAX_DEPTH = 512;
    private final byte[] b;
    private final int n;
    private int i;
    private int depth;

    JsonReader(byte[] json) {
        this.b = json;
        this.n = json.length;
    }

    JsonNode document() {
        JsonNode v = value();
        skipSpace();
        if (i < n) throw error("unexpected data after the JSON value");
        return v;
    }

    private JsonNode value() {
        skipSpace();
        if (i >= n) throw error("unexpected end of JSON input");
        byte c = b[i];
        if (c == '"') return JsonNode.text(string());
        if (c == '{') return object();
        if (c == '[') return array();
        if (c == '-' || c >= '0' && c <= '9') return number();
        if (c == 't') return literal("true", JsonNode.bool(true));
        if (c == 'f') return literal("false", JsonNode.bool(false));
        if (c == 'n') return literal("null", JsonNode.NULL);
        throw error("invalid character '" + (char) (c & 0xff) + "' looking for beginning of value");
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
            byte c = next();
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
            byte c = next();
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
        byte[] b = this.b;
        int p = i + 1; // past the opening quote
        int start = p;
        boolean ascii = true;
        StringBuilder sb = null;
        while (true) {
            if (p >= n) {
                i = p;
                throw error("unterminated string");
            }
            byte c = b[p];
            if (c == '"') {
                i = p + 1;
                String tail = decode(start, p, ascii);
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c >= 0x20 && c != '\\') { // printable ASCII
                p++;
                continue;
            }
            if (c < 0) { // a byte of a multi-byte UTF-8 sequence
                ascii = false;
                p++;
                continue;
            }
            if (c != '\\') {
                i = p;
                throw error("control character in string");
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(decode(start, p, ascii));
            ascii = true;
            i = p + 1;
            byte e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append((char) e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(unicodeEscape());
                default -> throw error("bad escape \\" + (char) (e & 0xff));
            }
            p = start = i;
        }
    }

    private String decode(int from, int to, boolean ascii) {
        return new String(b, from, to - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private char unicodeEscape() {
        if (i + 4 > n) throw error("short \\u escape");
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[i + k], 16);
            if (d < 0) throw error("bad \\u escape");
            v = v << 4 | d;
        }
        i += 4;
        return (char) v;
    }

    private JsonNode number() {
        int start = i;
        if (peek() == '-') i++;
        digits();
        boolean integral = true;
        if (i < n && b[i] == '.') {
            integral = false;
            i++;
            digits();
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            integral = false;
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) i++;
            digits();
        }
        int length = i - start;
        boolean negative = b[start] == '-';
        if (integral && length - (negative ? 1 : 0) <= 18) { // fits a long: no text to make
            long v = 0;
            for (int p = negative ? start + 1 : start; p < i; p++) v = v * 10 + (b[p] - '0');
            return JsonNode.number(negative ? -v : v);
        }
        String text = new String(b, start, length, StandardCharsets.ISO_8859_1);
        if (!integral) return new JsonNode.Real(Double.parseDouble(text));
        try {
            return JsonNode.number(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return new JsonNode.Big(new BigInteger(text));
        }
    }

    private void digits() {
        int p = i;
        while (p < n && b[p] >= '0' && b[p] <= '9') p++;
        if (p == i) throw error("expected a digit");
        i = p;
    }

    private JsonNode literal(String word, JsonNode v) {
        int length = word.length();
        if (i + length > n) throw error("invalid literal");
        for (int k = 0; k < length; k++) {
            if (b[i + k] != word.charAt(k)) throw error("invalid literal");
        }
        i += length;
        return v;
    }

    private void skipSpace() {
        byte[] b = this.b;
        int p = i;
        while (p < n) {
            byte c = b[p];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            p++;
        }
        i = p;
    }

    private byte peek() {
        return i < n ? b[i] : 0;
    }

    private byte next() {
        if (i >= n) throw error("unexpected end of JSON input");
        return b[i++];
    }

    private void expect(char c) {
        if (next() != c) throw error("expected '" + c + "'");
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + i);
    }
}
