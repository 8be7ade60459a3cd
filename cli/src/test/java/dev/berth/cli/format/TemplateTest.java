package dev.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.berth.common.json.JsonNode;

class TemplateTest {
    record Port(String IP, int PrivatePort) {}

    record Box(String Name, List<String> Tags, Map<String, String> Labels, Port Port) {}

    static final class Row implements TemplateRow {
        final Map<String, String> labels = Map.of("com.x", "yes", "b", "2");

        @Override
        public Object field(String name, List<Object> args) {
            return switch (name) {
                case "ID" -> "abc123";
                case "Names" -> "web";
                case "Label" -> labels.getOrDefault((String) args.getFirst(), "");
                default -> MISSING;
            };
        }

        @Override
        public Map<String, Object> jsonFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Names", "web");
            m.put("ID", "abc123");
            return m;
        }

        @Override
        public String typeName() {
            return "*formatter.ContainerContext";
        }
    }

    static String run(String t, Object data) {
        return Template.parse(t).execute(data);
    }

    static JsonNode json(String s) {
        return JsonNode.parse(s);
    }

    @Test
    void fieldsOnRecordsMapsJsonAndRows() {
        Box box = new Box("b1", List.of("x", "y"), Map.of("k", "v"), new Port("0.0.0.0", 80));
        assertThat(run("{{.Name}} {{.Port.IP}}:{{.Port.PrivatePort}}", box)).isEqualTo("b1 0.0.0.0:80");
        assertThat(run("{{.Tags}}", box)).isEqualTo("[x y]");
        assertThat(run("{{.Labels}}", box)).isEqualTo("map[k:v]");
        assertThat(run("{{.a.b}}", Map.of("a", Map.of("b", 3)))).isEqualTo("3");
        assertThat(run("{{.State.Pid}} {{.State.Running}} {{.Config.Env}}",
                json("{\"State\":{\"Pid\":42,\"Running\":true},\"Config\":{\"Env\":[\"A=1\",\"B=2\"]}}")))
                .isEqualTo("42 true [A=1 B=2]");
        assertThat(run("{{.ID}} {{.Label \"com.x\"}}", new Row())).isEqualTo("abc123 yes");
        assertThat(run("{{.}}", "plain")).isEqualTo("plain");
    }

    @Test
    void unknownFieldIsDockersError() {
        assertThatThrownBy(() -> run("{{.Nope}}", new Row()))
                .hasMessage("template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type *formatter.ContainerContext");
        assertThatThrownBy(() -> run("x\n {{.Name.Nope}}", new Box("b", List.of(), Map.of(), null)))
                .hasMessage("template: :2:3: executing \"\" at <.Name.Nope>: can't evaluate field Nope in type string");
    }

    @Test
    void missingMapKeyPrintsNoValueOrFailsWithMissingkeyError() {
        JsonNode j = json("{\"Id\":\"x\",\"Config\":{\"Labels\":{}}}");
        assertThat(run("{{.Config.Labels.foo}}", j)).isEqualTo("<no value>");
        assertThat(run("{{.Nope}}", Map.of())).isEqualTo("<no value>");
        assertThatThrownBy(() -> Template.parse("{{.Nope}}").execute(j, Functions.standard(), true))
                .hasMessage("template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"");
        assertThat(Template.parse("{{.Config.Labels.foo}}").execute(j, Functions.standard(), true)).isEqualTo("<no value>");
    }

    @Test
    void goFieldNamesFindJsonKeysSpeltOtherwise() {
        JsonNode version = json("{\"Server\":{\"ApiVersion\":\"1.52\",\"MinAPIVersion\":\"1.24\"}}");
        assertThat(run("{{.Server.APIVersion}} {{.Server.MinAPIVersion}}", version)).isEqualTo("1.52 1.24");
    }

    @Test
    void functions() {
        Map<String, Object> d = Map.of("Names", "web,db", "List", List.of("a", "b"), "S", "Hello world", "E", "");
        assertThat(run("{{.Names | upper}}", d)).isEqualTo("WEB,DB");
        assertThat(run("{{upper .Names}}", d)).isEqualTo("WEB,DB");
        assertThat(run("{{lower .S}}", d)).isEqualTo("hello world");
        assertThat(run("{{title \"hello wide-world\"}}", d)).isEqualTo("Hello Wide-World");
        assertThat(run("{{join .List \", \"}}", d)).isEqualTo("a, b");
        assertThat(run("{{split .Names \",\"}}", d)).isEqualTo("[web db]");
        assertThat(run("{{index (split .Names \",\") 1}}", d)).isEqualTo("db");
        assertThat(run("{{pad .Names 1 2}}|{{pad .E 1 2}}|", d)).isEqualTo(" web,db  ||");
        assertThat(run("{{truncate .S 5}}|{{truncate \"ab\" 5}}", d)).isEqualTo("Hello|ab");
        assertThat(run("{{len .List}} {{len .S}}", d)).isEqualTo("2 11");
        assertThat(run("{{printf \"%s=%d %5s|%-4s|%q %v\" \"a\" 3 \"r\" \"l\" \"q\" .List}}", d)).isEqualTo("a=3     r|l   |\"q\" [a b]");
        assertThat(run("{{printf \"%05d %.2f %x\" 42 3.14159 255}}", d)).isEqualTo("00042 3.14 ff");
        assertThat(run("{{json .List}} {{json .S}}", d)).isEqualTo("[\"a\",\"b\"] \"Hello world\"");
        assertThat(run("{{json .}}", new Row())).isEqualTo("{\"ID\":\"abc123\",\"Names\":\"web\"}");
        assertThat(run("{{json .Config}}", json("{\"Config\":{\"B\":1,\"A\":\"<x>\"}}"))).isEqualTo("{\"B\":1,\"A\":\"<x>\"}");
        assertThat(run("{{index .Labels \"a.b\"}}|{{index .Labels \"zz\"}}", json("{\"Labels\":{\"a.b\":\"c\"}}"))).isEqualTo("c|");
        assertThat(run("{{print 1 2 \"x\" 3}}", d)).isEqualTo("1 2x3");
        assertThat(run("{{eq .S \"Hello world\"}} {{ne 1 2}} {{lt 1 2}} {{ge 2 3}} {{eq 1 2 1}}", d)).isEqualTo("true true true false true");
        assertThat(run("{{and 1 0}} {{or 0 \"\" \"z\"}} {{not true}}", d)).isEqualTo("0 z false");
    }

    @Test
    void unknownFunctionFailsAtExecution() {
        assertThatThrownBy(() -> run("{{nope .X}}", Map.of())).hasMessageContaining("function \"nope\" not defined");
    }

    @Test
    void controlStructures() {
        Map<String, Object> d = Map.of("T", true, "F", false, "L", List.of("a", "b", "c"), "M", Map.of("y", 2, "x", 1), "E", List.of());
        assertThat(run("{{if .T}}yes{{else}}no{{end}}", d)).isEqualTo("yes");
        assertThat(run("{{if .F}}yes{{else}}no{{end}}", d)).isEqualTo("no");
        assertThat(run("{{if .F}}1{{else if .T}}2{{else}}3{{end}}", d)).isEqualTo("2");
        assertThat(run("{{if and .T (not .F)}}ok{{end}}", d)).isEqualTo("ok");
        assertThat(run("{{range .L}}[{{.}}]{{end}}", d)).isEqualTo("[a][b][c]");
        assertThat(run("{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}", d)).isEqualTo("0=a 1=b 2=c ");
        assertThat(run("{{range $k, $v := .M}}{{$k}}:{{$v}};{{end}}", d)).isEqualTo("x:1;y:2;");
        assertThat(run("{{range .E}}x{{else}}empty{{end}}", d)).isEqualTo("empty");
        assertThat(run("{{with .M}}{{.x}}{{end}}", d)).isEqualTo("1");
        assertThat(run("{{range .L}}{{$.T}}{{end}}", d)).isEqualTo("truetruetrue");
        assertThat(run("{{$x := .L}}{{len $x}}", d)).isEqualTo("3");
        assertThat(run("{{/* a comment */}}ok", d)).isEqualTo("ok");
        JsonNode j = json("{\"Mounts\":[{\"Source\":\"/a\",\"Destination\":\"/b\"}],\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"10.0.0.2\"}}}}");
        assertThat(run("{{range .Mounts}}{{.Source}}->{{.Destination}}{{end}}", j)).isEqualTo("/a->/b");
        assertThat(run("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", j)).isEqualTo("10.0.0.2");
        assertThat(run("{{range $n, $c := .NetworkSettings.Networks}}{{$n}}{{end}}", j)).isEqualTo("bridge");
    }

    @Test
    void trimMarkers() {
        Map<String, Object> d = Map.of("L", List.of("a", "b"));
        assertThat(run("x   {{- \"y\" -}}  \n z", d)).isEqualTo("xyz");
        assertThat(run("{{range .L -}}\n  {{.}}\n{{- end}}", d)).isEqualTo("ab");
        assertThat(run("{{-3}}", d)).isEqualTo("-3");
    }

    @Test
    void parseErrors() {
        assertThatThrownBy(() -> Template.parse("{{.X")).isInstanceOf(TemplateException.class).hasMessageContaining("unclosed action");
        assertThatThrownBy(() -> Template.parse("{{if .X}}a")).hasMessageContaining("unexpected EOF");
        assertThatThrownBy(() -> Template.parse("{{end}}")).hasMessageContaining("unexpected {{end}}");
        assertThatThrownBy(() -> Template.parse("{{\"abc}}")).hasMessageContaining("unterminated quoted string");
    }

    @Test
    void nilAndBooleansPrintLikeGo() {
        JsonNode j = json("{\"A\":null,\"B\":false,\"C\":1.5,\"D\":3}");
        assertThat(run("{{.A}} {{.B}} {{.C}} {{.D}}", j)).isEqualTo("<nil> false 1.5 3");
    }
}
