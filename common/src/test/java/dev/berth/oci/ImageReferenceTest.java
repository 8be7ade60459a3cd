package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.common.EngineException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            busybox                                  | docker.io/library/busybox:latest              | busybox:latest
            busybox:1.36                             | docker.io/library/busybox:1.36                | busybox:1.36
            library/busybox                          | docker.io/library/busybox:latest              | busybox:latest
            docker.io/busybox                        | docker.io/library/busybox:latest              | busybox:latest
            index.docker.io/busybox                  | docker.io/library/busybox:latest              | busybox:latest
            docker.io/library/busybox:t              | docker.io/library/busybox:t                   | busybox:t
            user/app                                 | docker.io/user/app:latest                     | user/app:latest
            user/app/sub:v1                          | docker.io/user/app/sub:v1                     | user/app/sub:v1
            docker.io/library/a/b                    | docker.io/library/a/b:latest                  | library/a/b:latest
            localhost/app                            | localhost/app:latest                          | localhost/app:latest
            localhost:5000/a/b:t                     | localhost:5000/a/b:t                          | localhost:5000/a/b:t
            registry.example.com/x                   | registry.example.com/x:latest                 | registry.example.com/x:latest
            Example.COM/x                            | Example.COM/x:latest                          | Example.COM/x:latest
            127.0.0.1:5000/x:1                       | 127.0.0.1:5000/x:1                            | 127.0.0.1:5000/x:1
            [::1]:5000/x                             | [::1]:5000/x:latest                           | [::1]:5000/x:latest
            a.b-c_d__e---f                           | docker.io/library/a.b-c_d__e---f:latest       | a.b-c_d__e---f:latest
            foo:A_b.c-1                              | docker.io/library/foo:A_b.c-1                 | foo:A_b.c-1
            """)
    void normalizes(String in, String full, String familiar) {
        ImageReference r = ImageReference.parse(in).withDefaultTag();
        assertThat(r.toString()).isEqualTo(full);
        assertThat(r.familiarString()).isEqualTo(familiar);
    }

    @org.junit.jupiter.api.Test
    void digestReferencesKeepNoDefaultTag() {
        String d = "sha256:" + "ab".repeat(32);
        ImageReference r = ImageReference.parse("busybox@" + d).withDefaultTag();
        assertThat(r.tag()).isEmpty();
        assertThat(r.digest()).contains(d);
        assertThat(r.familiarString()).isEqualTo("busybox@" + d);
        ImageReference both = ImageReference.parse("localhost:5000/a:t@" + d);
        assertThat(both.toString()).isEqualTo("localhost:5000/a:t@" + d);
        assertThat(both.familiarName()).isEqualTo("localhost:5000/a");
        assertThat(both.name()).isEqualTo("localhost:5000/a");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", ":", "busybox:", "-busybox", "busybox-", "a//b", "a/", "/a", "a:b:c",
            "a@sha256:short", "busybox:" + "t" + "oooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo"
            + "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo", "a b", "a..b", "a#b",
            "localhost:port/a", "busybox:-tag"})
    void rejectsInvalid(String in) {
        assertThatThrownBy(() -> ImageReference.parse(in))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("invalid reference format");
    }

    @org.junit.jupiter.api.Test
    void upperCaseRepositoryIsRejectedWithDockersMessage() {
        assertThatThrownBy(() -> ImageReference.parse("Busybox"))
                .hasMessage("invalid reference format: repository name (library/Busybox) must be lowercase");
        assertThatThrownBy(() -> ImageReference.parse("localhost:5000/Foo"))
                .hasMessage("invalid reference format: repository name (Foo) must be lowercase");
    }

    @org.junit.jupiter.api.Test
    void fullHexIdIsNotARepositoryName() {
        String id = "0123456789abcdef".repeat(4);
        assertThat(ImageReference.isFullId(id)).isTrue();
        assertThatThrownBy(() -> ImageReference.parse(id))
                .hasMessageContaining("cannot specify 64-byte hexadecimal strings");
        // 63 hex characters are a valid name.
        assertThat(ImageReference.parse(id.substring(1)).path()).isEqualTo("library/" + id.substring(1));
    }

    @org.junit.jupiter.api.Test
    void tooLongNameIsRejected() {
        String longName = "a".repeat(256);
        assertThatThrownBy(() -> ImageReference.parse(longName))
                .hasMessageContaining("must not be more than 255 characters");
    }
}
