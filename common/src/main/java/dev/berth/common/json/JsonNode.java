package dev.berth.common.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A JSON value as the CLI reads and writes it: the small part of Jackson's tree API the commands
 * use, with the same names and lenient conversions ({@code path} never returns null, {@code asString}
 * of a missing value is ""). The CLI has its own because Jackson's mapper costs ~20 ms and ~450 classes
 * at every start (ADR 0003); the daemon keeps Jackson.
 */
public abstract sealed class JsonNode implements Iterable<JsonNode>
        permits ObjectNode, ArrayNode, JsonNode.Scalar, JsonNode.Null, JsonNode.Missing {
    static final Missing MISSING = new Missing();
    static final Null NULL = new Null();

    JsonNode() {}

    /** Parses one JSON document. */
    public static JsonNode parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses one JSON document from its UTF-8 bytes (what the daemon sent: no String made of it first). */
    public static JsonNode parse(byte[] json) {
        return new JsonReader(json).document();
    }

    public static JsonNode text(String s) {
        return s == null ? NULL : new Text(s);
    }

    public static JsonNode number(long n) {
        return new Int(n);
    }

    public static JsonNode bool(boolean b) {
        return b ? Bool.TRUE : Bool.FALSE;
    }

    public static JsonNode missing() {
        return MISSING;
    }

    public static JsonNode nullNode() {
        return NULL;
    }

    /** The member {@code name}, or a missing node. */
    public JsonNode path(String name) {
        return MISSING;
    }

    public JsonNode path(int index) {
        return MISSING;
    }

    /** The member {@code name}, or null. */
    public JsonNode get(String name) {
        return null;
    }

    public JsonNode get(int index) {
        return null;
    }

    public boolean has(String name) {
        return false;
    }

    public int size() {
        return 0;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean isObject() {
        return false;
    }

    public boolean isArray() {
        return false;
    }

    public boolean isString() {
        return false;
    }

    public boolean isNumber() {
        return false;
    }

    public boolean isIntegralNumber() {
        return false;
    }

    public boolean isBoolean() {
        return false;
    }

    public boolean isNull() {
        return false;
    }

    public boolean isMissingNode() {
        return false;
    }

    /** The scalar as text; "" for null, missing and containers. */
    public String asString() {
        return "";
    }

    /** The scalar as text, or {@code fallback} for null, missing and containers. */
    public String asString(String fallback) {
        return fallback;
    }

    public long asLong() {
        return asLong(0);
    }

    public long asLong(long fallback) {
        return fallback;
    }

    public int asInt() {
        return asInt(0);
    }

    public int asInt(int fallback) {
        return (int) asLong(fallback);
    }

    public boolean asBoolean() {
        return false;
    }

    public boolean booleanValue() {
        return false;
    }

    public long longValue() {
        return 0;
    }

    public double doubleValue() {
        return 0;
    }

    public boolean canConvertToLong() {
        return false;
    }

    public BigInteger bigIntegerValue() {
        return BigInteger.ZERO;
    }

    public BigDecimal decimalValue() {
        return BigDecimal.ZERO;
    }

    /** The members of an object, in document order. */
    public Set<Map.Entry<String, JsonNode>> properties() {
        return Collections.emptySet();
    }

    public Collection<String> propertyNames() {
        return Collections.emptySet();
    }

    /** The elements of an array (nothing for other values). */
    @Override
    public Iterator<JsonNode> iterator() {
        return Collections.emptyIterator();
    }

    /** Compact JSON. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        JsonWriter.write(this, sb, null, 0);
        return sb.toString();
    }

    /** JSON indented by {@code indent} per level, as written to config files. */
    public String toPrettyString(String indent) {
        StringBuilder sb = new StringBuilder();
        JsonWriter.write(this, sb, indent, 0);
        return sb.toString();
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A string, number or boolean: never "absent", so a fallback never applies. */
    abstract static sealed class Scalar extends JsonNode permits Text, Num, Bool {
        @Override
        public final String asString(String fallback) {
            return asString();
        }
    }

    /** A number: {@code asLong} truncates, as Jackson's does. */
    abstract static sealed class Num extends Scalar permits Int, Big, Real {
        @Override
        public final boolean isNumber() {
            return true;
        }

        @Override
        public final long asLong(long fallback) {
            return longValue();
        }
    }

    static final class Text extends Scalar {
        final String value;

        Text(String value) {
            this.value = value;
        }

        @Override
        public boolean isString() {
            return true;
        }

        @Override
        public String asString() {
            return value;
        }

        @Override
        public long asLong(long fallback) {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }

        @Override
        public boolean asBoolean() {
            return value.trim().equals("true");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && t.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    /** An integral number that fits a long. */
    static final class Int extends Num {
        final long value;

        Int(long value) {
            this.value = value;
        }

        @Override
        public boolean isIntegralNumber() {
            return true;
        }

        @Override
        public String asString() {
            return Long.toString(value);
        }

        @Override
        public boolean asBoolean() {
            return value != 0;
        }

        @Override
        public long longValue() {
            return value;
        }

        @Override
        public double doubleValue() {
            return value;
        }

        @Override
        public boolean canConvertToLong() {
            return true;
        }

        @Override
        public BigInteger bigIntegerValue() {
            return BigInteger.valueOf(value);
        }

        @Override
        public BigDecimal decimalValue() {
            return BigDecimal.valueOf(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Int i && i.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }
    }

    /** An integral number beyond a long. */
    static final class Big extends Num {
        final BigInteger value;

        Big(BigInteger value) {
            this.value = value;
        }

        @Override
        public boolean isIntegralNumber() {
            return true;
        }

        @Override
        public String asString() {
            return value.toString();
        }

        @Override
        public long longValue() {
            return value.longValue();
        }

        @Override
        public double doubleValue() {
            return value.doubleValue();
        }

        @Override
        public BigInteger bigIntegerValue() {
            return value;
        }

        @Override
        public BigDecimal decimalValue() {
            return new BigDecimal(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Big b && b.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }
    }

    /** A number with a fraction or an exponent, kept as a double like Jackson's default. */
    static final class Real extends Num {
        final double value;

        Real(double value) {
            this.value = value;
        }

        @Override
        public String asString() {
            return Double.toString(value);
        }

        @Override
        public long longValue() {
            return (long) value;
        }

        @Override
        public double doubleValue() {
            return value;
        }

        @Override
        public BigInteger bigIntegerValue() {
            return decimalValue().toBigInteger();
        }

        @Override
        public BigDecimal decimalValue() {
            return BigDecimal.valueOf(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Real r && Double.compare(r.value, value) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }
    }

    static final class Bool extends Scalar {
        static final Bool TRUE = new Bool(true);
        static final Bool FALSE = new Bool(false);
        final boolean value;

        private Bool(boolean value) {
            this.value = value;
        }

        @Override
        public boolean isBoolean() {
            return true;
        }

        @Override
        public String asString() {
            return Boolean.toString(value);
        }

        @Override
        public long asLong(long fallback) {
            return value ? 1 : 0;
        }

        @Override
        public boolean asBoolean() {
            return value;
        }

        @Override
        public boolean booleanValue() {
            return value;
        }
    }

    static final class Null extends JsonNode {
        @Override
        public boolean isNull() {
            return true;
        }
    }

    static final class Missing extends JsonNode {
        @Override
        public boolean isMissingNode() {
            return true;
        }

        /** Jackson prints a missing node as nothing. */
        @Override
        public String toString() {
            return "";
        }
    }
}
