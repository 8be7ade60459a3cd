package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.MissingFormatArgumentException;
import org.junit.jupiter.api.Test;

class QueryTest {
    @Test
    void pathArgumentsArePathEncodedIntoTheFormat() {
        assertThat(Query.of("/containers/%s/json", "web").toString()).isEqualTo("/containers/web/json");
        assertThat(Query.of("/images/%s/tag", "localhost:5000/a b").add("repo", "x/y").add("tag", "1").toString())
                .isEqualTo("/images/localhost:5000/a%20b/tag?repo=x%2Fy&tag=1");
        assertThat(Query.of("/exec/%s/start", "e1").toString()).isEqualTo("/exec/e1/start");
        assertThat(Query.of("/containers/json").flag("all", true).flag("size", false).toString())
                .isEqualTo("/containers/json?all=1");
    }

    @Test
    void percentSignsFollowFormatRules() {
        assertThat(Query.of("/a%%b/%s", "c").toString()).isEqualTo("/a%b/c");
        assertThat(Query.of("/a/%s/%s", "b%c", "d").toString()).isEqualTo("/a/b%25c/d");
        assertThatThrownBy(() -> Query.of("/a/%s/%s", "b")).isInstanceOf(MissingFormatArgumentException.class);
    }
}
