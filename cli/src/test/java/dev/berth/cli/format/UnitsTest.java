package dev.berth.cli.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void humanDuration() {
        assertThat(Units.humanDuration(Duration.ofMillis(999))).isEqualTo("Less than a second");
        assertThat(Units.humanDuration(Duration.ofSeconds(-5))).isEqualTo("Less than a second");
        assertThat(Units.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Units.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(Units.humanDuration(Duration.ofSeconds(60))).isEqualTo("About a minute");
        assertThat(Units.humanDuration(Duration.ofSeconds(119))).isEqualTo("About a minute");
        assertThat(Units.humanDuration(Duration.ofMinutes(3))).isEqualTo("3 minutes");
        assertThat(Units.humanDuration(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(Units.humanDuration(Duration.ofMinutes(60))).isEqualTo("About an hour");
        assertThat(Units.humanDuration(Duration.ofMinutes(89))).isEqualTo("About an hour");
        assertThat(Units.humanDuration(Duration.ofMinutes(90))).isEqualTo("2 hours");
        assertThat(Units.humanDuration(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Units.humanDuration(Duration.ofHours(48))).isEqualTo("2 days");
        assertThat(Units.humanDuration(Duration.ofDays(13))).isEqualTo("13 days");
        assertThat(Units.humanDuration(Duration.ofDays(21))).isEqualTo("3 weeks");
        assertThat(Units.humanDuration(Duration.ofDays(120))).isEqualTo("4 months");
        assertThat(Units.humanDuration(Duration.ofDays(365 * 2))).isEqualTo("2 years");
    }

    @Test
    void humanSize() {
        assertThat(Units.humanSizeWithPrecision(0, 3)).isEqualTo("0B");
        assertThat(Units.humanSizeWithPrecision(999, 3)).isEqualTo("999B");
        assertThat(Units.humanSizeWithPrecision(1000, 3)).isEqualTo("1kB");
        assertThat(Units.humanSizeWithPrecision(1234567, 3)).isEqualTo("1.23MB");
        assertThat(Units.humanSizeWithPrecision(4261376, 3)).isEqualTo("4.26MB");
        assertThat(Units.humanSizeWithPrecision(999999, 3)).isEqualTo("1e+03kB");
        assertThat(Units.humanSizeWithPrecision(1500, 3)).isEqualTo("1.5kB");
        assertThat(Units.humanSize(2746000)).isEqualTo("2.746MB");
        assertThat(Units.humanSize(1e30)).isEqualTo("1e+06YB");
        assertThat(Units.bytesSize(1536)).isEqualTo("1.5KiB");
        assertThat(Units.bytesSize(1024L * 1024 * 1024)).isEqualTo("1GiB");
    }

    @Test
    void formatG() {
        assertThat(Units.formatG(0.000012345, 3)).isEqualTo("1.23e-05");
        assertThat(Units.formatG(0.00012345, 3)).isEqualTo("0.000123");
        assertThat(Units.formatG(123456, 3)).isEqualTo("1.23e+05");
        assertThat(Units.formatG(100, 3)).isEqualTo("100");
        assertThat(Units.formatG(-2.5, 3)).isEqualTo("-2.5");
    }

    @Test
    void ramInBytes() {
        assertThat(Units.ramInBytes("512m")).isEqualTo(512L * 1024 * 1024);
        assertThat(Units.ramInBytes("1g")).isEqualTo(1L << 30);
        assertThat(Units.ramInBytes("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.ramInBytes("10 kb")).isEqualTo(10240);
        assertThat(Units.ramInBytes("32")).isEqualTo(32);
        assertThat(Units.ramInBytes("1.5k")).isEqualTo(1536);
        assertThat(Units.ramInBytes("4b")).isEqualTo(4);
        assertThatThrownBy(() -> Units.ramInBytes("512x")).hasMessage("invalid suffix: 'x'");
        assertThatThrownBy(() -> Units.ramInBytes("m")).hasMessage("invalid size: 'm'");
        assertThatThrownBy(() -> Units.ramInBytes("1kbb")).hasMessage("invalid suffix: 'kbb'");
        assertThat(Units.fromHumanSize("1MB")).isEqualTo(1_000_000);
    }

    @Test
    void containerStatus() {
        Instant now = Instant.parse("2024-01-01T00:10:00Z");
        Instant started = now.minusSeconds(300);
        assertThat(ContainerStatus.describe(true, false, false, false, false, 0, started, null, null, now)).isEqualTo("Up 5 minutes");
        assertThat(ContainerStatus.describe(true, false, false, false, false, 0, now, null, null, now)).isEqualTo("Up Less than a second");
        assertThat(ContainerStatus.describe(true, true, false, false, false, 0, started, null, null, now)).isEqualTo("Up 5 minutes (Paused)");
        assertThat(ContainerStatus.describe(true, false, false, false, false, 0, started, null, "healthy", now)).isEqualTo("Up 5 minutes (healthy)");
        assertThat(ContainerStatus.describe(false, false, false, false, false, 0, started, now.minusSeconds(2), null, now))
                .isEqualTo("Exited (0) 2 seconds ago");
        assertThat(ContainerStatus.describe(false, false, false, false, false, 0, null, null, null, now)).isEqualTo("Created");
    }
}
