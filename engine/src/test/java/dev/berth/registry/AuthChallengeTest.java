package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parsesDockerHubBearerChallenge() {
        List<AuthChallenge> cs = AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertThat(cs).hasSize(1);
        AuthChallenge c = cs.getFirst();
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.param("realm")).isEqualTo("https://auth.docker.io/token");
        assertThat(c.param("service")).isEqualTo("registry.docker.io");
        assertThat(c.param("scope")).isEqualTo("repository:library/busybox:pull");
    }

    @Test
    void parsesBasicSeveralChallengesEscapesAndTokens() {
        List<AuthChallenge> cs = AuthChallenge.parse("Basic realm=\"basic-realm\", Bearer realm=\"a\\\"b\", error=invalid_token");
        assertThat(cs).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
        assertThat(cs.get(0).param("realm")).isEqualTo("basic-realm");
        assertThat(cs.get(1).param("realm")).isEqualTo("a\"b");
        assertThat(cs.get(1).param("error")).isEqualTo("invalid_token");
    }

    @Test
    void junkIsNotFatal() {
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("")).isEmpty();
        assertThat(AuthChallenge.parse("Bearer")).singleElement().satisfies(c -> assertThat(c.params()).isEmpty());
    }

    @Test
    void loopbackAndListedRegistriesAreInsecure() {
        RegistryConfig c = new RegistryConfig(Path.of("/x"), List.of("myreg:5000", "10.0.0.0/8"), List.of(), 3, 5, 5, 1 << 20,
                RegistryConfig.DEFAULT_CONNECT_TIMEOUT, RegistryConfig.DEFAULT_READ_TIMEOUT);
        assertThat(c.isInsecure("127.0.0.1:5000")).isTrue();
        assertThat(c.isInsecure("localhost:5000")).isTrue();
        assertThat(c.isInsecure("myreg:5000")).isTrue();
        assertThat(c.isInsecure("10.1.2.3:443")).isTrue();
        assertThat(c.isInsecure("registry-1.docker.io")).isFalse();
        assertThat(c.isInsecure("11.0.0.1")).isFalse();
    }

    @Test
    void endpointsPreferMirrorsForHubAndHttpsFirst() {
        RegistryConfig c = new RegistryConfig(Path.of("/nonexistent"), List.of(),
                List.of(RegistryConfig.parseMirror("http://127.0.0.1:5001/")), 3, 5, 5, 1 << 20,
                RegistryConfig.DEFAULT_CONNECT_TIMEOUT, RegistryConfig.DEFAULT_READ_TIMEOUT);
        assertThat(RegistryClient.endpoints(c, "docker.io", true)).extracting(e -> e.base().toString())
                .containsExactly("http://127.0.0.1:5001", "https://registry-1.docker.io");
        assertThat(RegistryClient.endpoints(c, "docker.io", false)).extracting(e -> e.base().toString())
                .containsExactly("https://registry-1.docker.io");
        assertThat(RegistryClient.endpoints(c, "127.0.0.1:5000", true)).extracting(e -> e.base().toString())
                .containsExactly("https://127.0.0.1:5000", "http://127.0.0.1:5000");
    }
}
