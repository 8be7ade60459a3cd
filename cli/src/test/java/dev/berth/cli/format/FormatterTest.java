package dev.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatterTest {
    static final Map<String, String> HEADERS = Map.of("ID", "CONTAINER ID", "Image", "IMAGE", "Names", "NAMES", "Status", "STATUS", "Label", "LABEL");

    record R(String ID, String Image, String Names, String Status) implements TemplateRow {
        @Override
        public Object field(String name, List<Object> args) {
            return switch (name) {
                case "ID" -> ID;
                case "Image" -> Image;
                case "Names" -> Names;
                case "Status" -> Status;
                case "Label" -> "lv";
                default -> MISSING;
            };
        }

        @Override
        public Map<String, Object> jsonFields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Names", Names);
            m.put("ID", ID);
            m.put("Image", Image);
            m.put("Status", Status);
            return m;
        }
    }

    final List<R> rows = List.of(new R("0123456789ab", "busybox", "web", "Up 5 minutes"),
            new R("ba9876543210", "busybox:latest", "db", "Exited (0) 2 seconds ago"));

    @Test
    void tableAlignsLikeDocker() {
        String out = Formatter.of("table {{.ID}}\\t{{.Image}}\\t{{.Status}}\\t{{.Names}}", HEADERS).render(rows);
        assertThat(out).isEqualTo(
                "CONTAINER ID   IMAGE            STATUS                     NAMES\n"
                        + "0123456789ab   busybox          Up 5 minutes               web\n"
                        + "ba9876543210   busybox:latest   Exited (0) 2 seconds ago   db\n");
    }

    @Test
    void tableWithoutRowsPrintsHeader() {
        assertThat(Formatter.of("table {{.ID}}\\t{{.Names}}", HEADERS).render(List.of())).isEqualTo("CONTAINER ID   NAMES\n");
    }

    @Test
    void headerFunctionsPassHeaderThrough() {
        assertThat(Formatter.of("table {{.Names | upper}}\\t{{truncate .ID 3}}", HEADERS).render(rows.subList(0, 1)))
                .isEqualTo("NAMES     CONTAINER ID\nWEB       012\n");
    }

    @Test
    void plainTemplateHasNoHeader() {
        assertThat(Formatter.of("{{.ID}}: {{.Names}}", HEADERS).render(rows)).isEqualTo("0123456789ab: web\nba9876543210: db\n");
        assertThat(Formatter.of("{{.ID}}\\t{{.Names}}", HEADERS).render(rows.subList(0, 1))).isEqualTo("0123456789ab\tweb\n");
    }

    @Test
    void jsonPrintsOneObjectPerLine() {
        assertThat(Formatter.of("json", HEADERS).render(rows.subList(0, 1)))
                .isEqualTo("{\"ID\":\"0123456789ab\",\"Image\":\"busybox\",\"Names\":\"web\",\"Status\":\"Up 5 minutes\"}\n");
    }

    @Test
    void errorsAreTemplateParsingErrors() {
        assertThatThrownBy(() -> Formatter.of("{{.Nope}}", HEADERS).render(rows))
                .hasMessageStartingWith("template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope");
        assertThatThrownBy(() -> Formatter.of("{{.ID", HEADERS)).hasMessageStartingWith("template parsing error: ");
    }

    @Test
    void tabWriterMatchesGo() {
        // Go: tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)
        assertThat(TabWriter.docker().write("a\tb\tc\naaaaaaaaaaaa\tb\n\nx\ty\n").flush())
                .isEqualTo("a              b         c\naaaaaaaaaaaa   b\n\nx         y\n");
        assertThat(new TabWriter(0, 1).write("é\tx\nab\ty").flush()).isEqualTo("é  x\nab y");
        assertThat(TabWriter.docker().write("\tb\n").flush()).isEqualTo("          b\n");
    }

    @Test
    void jsonIndentLikeGo() {
        assertThat(JsonIndent.indent("[{\"a\":[],\"b\":{},\"c\":[1,\"x\\\"y\"],\"d\":{\"e\":null}}]", "    "))
                .isEqualTo("[\n    {\n        \"a\": [],\n        \"b\": {},\n        \"c\": [\n            1,\n            \"x\\\"y\"\n        ],\n"
                        + "        \"d\": {\n            \"e\": null\n        }\n    }\n]");
    }

    @Test
    void filters() {
        Filters f = Filters.parse(List.of("status=exited", " Label = a=b ", "status=created"));
        assertThat(f.toJson()).isEqualTo("{\"status\":{\"exited\":true,\"created\":true},\"label\":{\"a=b\":true}}");
        assertThatThrownBy(() -> Filters.parse(List.of("nope"))).hasMessage("bad format of filter (expected name=value)");
        assertThat(Filters.parse(List.of()).toJson()).isEqualTo("{}");
    }
}
