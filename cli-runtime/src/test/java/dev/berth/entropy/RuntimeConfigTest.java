package dev.berth.entropy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {
    private static final String TRICKY = """
            # a comment\r
            ! another comment
               \t
            security.provider.1=SUN
            security.provider.2 = SunRsaSign
            security.provider.10:JdkLDAP
            list=a,\\
            # not a comment: a continuation\\
              b
            even=ends in a backslash\\\\
            # a comment after an escaped backslash
            security.providerish.3=kept
            last=no newline""";

    @Test
    void commentsGoAndEveryPropertyStays() throws IOException {
        String out = RuntimeConfig.withoutComments(TRICKY);
        assertThat(out).doesNotContain("# a comment").doesNotContain("! another comment").doesNotContain("\t").startsWith("security.provider.1=SUN\n");
        assertThat(load(out)).isEqualTo(load(TRICKY));
        assertThat(load(out).getProperty("list")).isEqualTo("a,# not a comment: a continuationb");
        assertThat(load(out).getProperty("even")).isEqualTo("ends in a backslash\\");
    }

    @Test
    void providerComesFirstAndTheOthersMoveDownInTheirOrder() throws IOException {
        Properties before = load(TRICKY);
        Properties after = load(RuntimeConfig.withFirstProvider(RuntimeConfig.withoutComments(TRICKY), "Mine"));
        assertThat(after.getProperty("security.provider.1")).isEqualTo("Mine");
        assertThat(after.getProperty("security.provider.2")).isEqualTo("SUN");
        assertThat(after.getProperty("security.provider.3")).isEqualTo("SunRsaSign");
        assertThat(after.getProperty("security.provider.11")).isEqualTo("JdkLDAP");
        assertThat(after.getProperty("security.provider.10")).isNull();
        assertThat(after.getProperty("security.providerish.3")).isEqualTo("kept");
        after.keySet().removeIf(k -> k.toString().startsWith("security.provider."));
        before.keySet().removeIf(k -> k.toString().startsWith("security.provider."));
        assertThat(after).isEqualTo(before);
    }

    /** The JDK this build runs on: the rewritten runtime files say what the JDK's say. */
    @Test
    void theJdksOwnFilesKeepTheirMeaning(@TempDir Path dir) throws IOException {
        Path jdkConf = Path.of(System.getProperty("java.home"), "conf");
        Files.createDirectories(dir.resolve("conf/security"));
        Files.copy(jdkConf.resolve("security/java.security"), dir.resolve("conf/security/java.security"));
        Files.copy(jdkConf.resolve("net.properties"), dir.resolve("conf/net.properties"));

        RuntimeConfig.main(new String[] {dir.toString()});

        Properties jdk = loadFile(jdkConf.resolve("security/java.security"));
        Properties ours = loadFile(dir.resolve("conf/security/java.security"));
        assertThat(ours.getProperty("security.provider.1")).isEqualTo(URandomProvider.NAME);
        for (int i = 1; jdk.getProperty("security.provider." + i) != null; i++) {
            assertThat(ours.getProperty("security.provider." + (i + 1))).isEqualTo(jdk.getProperty("security.provider." + i));
        }
        jdk.keySet().removeIf(k -> k.toString().startsWith("security.provider."));
        ours.keySet().removeIf(k -> k.toString().startsWith("security.provider."));
        assertThat(ours).isEqualTo(jdk).isNotEmpty();
        assertThat(Files.size(dir.resolve("conf/security/java.security")))
                .isLessThan(Files.size(jdkConf.resolve("security/java.security")) / 4);
        assertThat(loadFile(dir.resolve("conf/net.properties"))).isEqualTo(loadFile(jdkConf.resolve("net.properties")));
        try (var files = Files.list(dir.resolve("conf/security"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("java.security"); // no temp file left
        }
    }

    private static Properties load(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static Properties loadFile(Path file) throws IOException {
        return load(Files.readString(file, StandardCharsets.ISO_8859_1));
    }
}
