package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.common.EngineException;
import dev.berth.common.Json;
import org.junit.jupiter.api.Test;

class PlatformTest {
    private static final String INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":1,"platform":{"architecture":"arm","os":"linux","variant":"v6"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":1,"platform":{"architecture":"arm64","os":"linux"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":1,"platform":{"architecture":"amd64","os":"linux"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:dd","size":1,"platform":{"architecture":"unknown","os":"unknown"}}]}
            """;

    @Test
    void parsesAndNormalizes() {
        assertThat(Platform.parse("linux/amd64").toString()).isEqualTo("linux/amd64");
        assertThat(Platform.parse("linux/aarch64").toString()).isEqualTo("linux/arm64/v8");
        assertThat(Platform.parse("arm64").toString()).isEqualTo("linux/arm64/v8");
        assertThat(Platform.parse("linux/arm").toString()).isEqualTo("linux/arm/v7");
        assertThatThrownBy(() -> Platform.parse("linux//x")).isInstanceOf(EngineException.class);
    }

    @Test
    void selectsFromIndex() {
        ManifestIndex idx = Json.read(INDEX, ManifestIndex.class);
        assertThat(idx.select(Platform.parse("linux/amd64")).digest()).isEqualTo("sha256:cc");
        assertThat(idx.select(Platform.parse("linux/arm64/v8")).digest()).isEqualTo("sha256:bb");
        assertThat(idx.select(Platform.parse("linux/arm/v6")).digest()).isEqualTo("sha256:aa");
        assertThatThrownBy(() -> idx.select(Platform.parse("linux/arm/v7")))
                .hasMessageContaining("no matching manifest for linux/arm/v7 in the manifest list entries");
    }

    @Test
    void formattedAsDockerPrintsIt() {
        assertThat(Platform.parse("linux/arm64").formatted()).isEqualTo("linux/arm64");
        assertThat(Platform.parse("linux/arm64/v8").formatted()).isEqualTo("linux/arm64");
        assertThat(Platform.parse("linux/arm").formatted()).isEqualTo("linux/arm/v7");
        assertThat(Platform.parse("x86_64").formatted()).isEqualTo("linux/amd64");
    }
}
