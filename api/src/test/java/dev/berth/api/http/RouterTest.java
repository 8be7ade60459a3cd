package dev.berth.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Handler a = ex -> {};
    private final Handler b = ex -> {};
    private final Handler c = ex -> {};

    @Test
    void starParameterLeavesTheLiteralSuffix() {
        Router r = new Router().get("/images/{name*}/json", a).delete("/images/{name*}", b);
        Router.Match m = r.match("GET", "/images/localhost:5000/a/b:tag/json");
        assertThat(m.handler()).isSameAs(a);
        assertThat(m.params()).containsEntry("name", "localhost:5000/a/b:tag");
        assertThat(r.match("DELETE", "/images/localhost:5000/a/json").params())
                .containsEntry("name", "localhost:5000/a/json");
    }

    @Test
    void moreLiteralSegmentsWin() {
        Router r = new Router().get("/images/{name*}", b).get("/images/{name*}/json", a).get("/images/json", c);
        assertThat(r.match("GET", "/images/busybox/json").handler()).isSameAs(a);
        assertThat(r.match("GET", "/images/json").handler()).isSameAs(c);
        assertThat(r.match("GET", "/images/a/b").handler()).isSameAs(b);
    }

    @Test
    void plainParameterIsOneNonEmptySegment() {
        Router r = new Router().get("/containers/{id}/json", a);
        assertThat(r.match("GET", "/containers/abc/json").params()).containsEntry("id", "abc");
        assertThat(r.match("GET", "/containers/a/b/json")).isNull();
        assertThat(r.match("GET", "/containers//json")).isNull();
        assertThat(r.match("POST", "/containers/abc/json")).isNull();
    }

    @Test
    void headFallsBackToGet() {
        Router r = new Router().get("/x", a).head("/y", b);
        assertThat(r.match("HEAD", "/x").handler()).isSameAs(a);
        assertThat(r.match("HEAD", "/y").handler()).isSameAs(b);
        assertThat(r.match("GET", "/y")).isNull();
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(ApiVersions.lessThan("1.9", "1.24")).isTrue();
        assertThat(ApiVersions.compare("1.44", "1.44")).isZero();
        assertThat(ApiVersions.lessThan("1.52", "1.100")).isTrue();
    }

    @Test
    void queryDecoding() {
        QueryString q = QueryString.parse("a=1&a=2&b&c=x+y%2Fz&filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D");
        assertThat(q.all("a")).containsExactly("1", "2");
        assertThat(q.all("b")).containsExactly("");
        assertThat(q.all("c")).containsExactly("x y/z");
        assertThat(q.all("filters")).containsExactly("{\"label\":[\"a=b\"]}");
        assertThat(QueryString.decode("a+b%C3%A9", false)).isEqualTo("a+bé");
    }
}
