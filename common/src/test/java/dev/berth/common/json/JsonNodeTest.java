package dev.berth.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonNodeTest {
    static final String DOC = "{\"s\":\"x\",\"n\":null,\"i\":5,\"d\":1.5,\"e\":1e3,\"b\":true,\"o\":{\"k\":1},\"a\":[1,\"<&>\"],"
            + "\"u\":\"\\u00e9\\u0001\\n\\\"\\\\/\",\"big\":123456789012345678901234567890}";

    @Test
    void readsEveryKindOfValue() {
        JsonNode n = JsonNode.parse(DOC);
        assertThat(n.path("s").asString()).isEqualTo("x");
        assertThat(n.path("n").isNull()).isTrue();
        assertThat(n.path("i").asLong()).isEqualTo(5);
        assertThat(n.path("i").isIntegralNumber()).isTrue();
        assertThat(n.path("d").doubleValue()).isEqualTo(1.5);
        assertThat(n.path("e").asLong()).isEqualTo(1000);
        assertThat(n.path("b").asBoolean()).isTrue();
        assertThat(n.path("o").path("k").asInt()).isEqualTo(1);
        assertThat(n.path("a").size()).isEqualTo(2);
        assertThat(n.path("a").path(1).asString()).isEqualTo("<&>");
        assertThat(n.path("u").asString()).isEqualTo("é\u0001\n\"\\/");
        assertThat(n.path("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(n.path("big").canConvertToLong()).isFalse();
        assertThat(n.propertyNames()).containsExactly("s", "n", "i", "d", "e", "b", "o", "a", "u", "big");
    }

    @Test
    void readsUtf8AroundEscapesAndIntegersAtTheEdgesOfALong() {
        JsonNode n = JsonNode.parse("{\"k\":\"é\\t日本\\u00e9x\",\"ü\":[999999999999999999,-999999999999999999,"
                + "9223372036854775807,-9223372036854775808,9223372036854775808,-0,0,12]}");
        assertThat(n.path("k").asString()).isEqualTo("é\t日本éx");
        JsonNode a = n.path("ü");
        assertThat(a.path(0).asLong()).isEqualTo(999_999_999_999_999_999L);
        assertThat(a.path(1).asLong()).isEqualTo(-999_999_999_999_999_999L);
        assertThat(a.path(2).asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(a.path(3).asLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(a.path(4).bigIntegerValue()).isEqualTo(new BigInteger("9223372036854775808"));
        assertThat(a.path(5).asLong()).isZero();
        assertThat(a.path(7).asInt()).isEqualTo(12);
        byte[] utf8 = {'"', (byte) 0xc3, (byte) 0xa9, '"'};
        assertThat(JsonNode.parse(utf8).asString()).isEqualTo("é");
    }

    @Test
    void lenientConversionsLikeJacksons() {
        JsonNode n = JsonNode.parse(DOC);
        assertThat(n.path("missing").isMissingNode()).isTrue();
        assertThat(n.get("missing")).isNull();
        assertThat(n.path("missing").asString()).isEmpty();
        assertThat(n.path("n").asString()).isEmpty();
        assertThat(n.path("n").asString("fallback")).isEqualTo("fallback");
        assertThat(n.path("missing").asLong(-1)).isEqualTo(-1);
        assertThat(n.path("i").asString()).isEqualTo("5");
        assertThat(n.path("e").asString()).isEqualTo("1000.0");
        assertThat(JsonNode.parse("\"12\"").asLong()).isEqualTo(12);
        assertThat(JsonNode.parse("\"true\"").asBoolean()).isTrue();
        assertThat(n.path("missing").path("deeper").path(3).isMissingNode()).isTrue();
    }

    @Test
    void writesCompactJsonThatReadsBack() {
        JsonNode n = JsonNode.parse(DOC);
        assertThat(n.toString()).isEqualTo("{\"s\":\"x\",\"n\":null,\"i\":5,\"d\":1.5,\"e\":1000.0,\"b\":true,\"o\":{\"k\":1},"
                + "\"a\":[1,\"<&>\"],\"u\":\"é\\u0001\\n\\\"\\\\/\",\"big\":123456789012345678901234567890}");
        assertThat(JsonNode.parse(n.toString())).isEqualTo(n);
        assertThat(new ObjectNode().toString()).isEqualTo("{}");
        assertThat(new ArrayNode().toString()).isEqualTo("[]");
    }

    @Test
    void buildsBodies() {
        ObjectNode b = new ObjectNode().put("Image", "busybox").put("Tty", false).put("Memory", 1L << 30).put("Name", (String) null);
        b.putArray("Cmd").add("sh").add("-c");
        b.withObject("/HostConfig").withObject("/LogConfig").put("Type", "json-file");
        b.withObject("/HostConfig").put("AutoRemove", true);
        assertThat(b.toString()).isEqualTo("{\"Image\":\"busybox\",\"Tty\":false,\"Memory\":1073741824,\"Name\":null,"
                + "\"Cmd\":[\"sh\",\"-c\"],\"HostConfig\":{\"LogConfig\":{\"Type\":\"json-file\"},\"AutoRemove\":true}}");
        assertThat(b.toPrettyString("\t")).isEqualTo("{\n\t\"Image\": \"busybox\",\n\t\"Tty\": false,\n\t\"Memory\": 1073741824,\n"
                + "\t\"Name\": null,\n\t\"Cmd\": [\n\t\t\"sh\",\n\t\t\"-c\"\n\t],\n\t\"HostConfig\": {\n\t\t\"LogConfig\": {\n"
                + "\t\t\t\"Type\": \"json-file\"\n\t\t},\n\t\t\"AutoRemove\": true\n\t}\n}");
    }

    @Test
    void writesPlainJavaValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("list", List.of(1, "two", true));
        m.put("none", null);
        m.put("node", JsonNode.parse("{\"k\":[]}"));
        assertThat(JsonWriter.write(m)).isEqualTo("{\"list\":[1,\"two\",true],\"none\":null,\"node\":{\"k\":[]}}");
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "tru", "\"\\x\"", "01x", "{} {}", "\"a\nb\"", "-", "1.")) {
            assertThatThrownBy(() -> JsonNode.parse(bad)).as(bad).isInstanceOf(JsonException.class);
        }
        assertThatThrownBy(() -> JsonNode.parse("[".repeat(100_000))).isInstanceOf(JsonException.class).hasMessageContaining("nested too deeply");
    }
}
