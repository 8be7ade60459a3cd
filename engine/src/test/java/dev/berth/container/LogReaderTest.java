package dev.berth.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int flushes;

    private final StreamSink sink = new StreamSink() {
        @Override
        public void write(int stream, byte[] data, int off, int len) {
            (stream == STDOUT ? out : err).write(data, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    };

    private static final String LOG = """
            2026-11-23T22:46:01.100000000+00:00 stdout F one
            2026-11-23T22:46:02.200000000+00:00 stderr F warn
            2026-11-23T22:46:03.300000000+01:00 stdout P par
            2026-11-23T22:46:03.300000001+01:00 stdout F tial
            2026-11-23T22:46:04.000000000Z stdout F 
            not a log line
            2026-11-23T22:46:05.5Z stdout F last
            2026-11-23T22:46:06Z stdout F unfinished""";

    private Path log() throws Exception {
        Path p = dir.resolve("container.log");
        Files.writeString(p, LOG); // no newline after the last line: conmon is still writing it
        return p;
    }

    private void read(boolean stdout, boolean stderr, Instant since, Instant until, boolean ts, int tail) throws Exception {
        LogReader.read(log(), new LogReader.Options(stdout, stderr, since, until, ts, tail, false), sink, () -> false);
    }

    @Test
    void streamsApartPartialsJoinedUnfinishedLineLeft() throws Exception {
        read(true, true, null, null, false, -1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\npartial\n\nlast\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("warn\n");
        assertThat(flushes).isEqualTo(1); // once per pass, not per line
    }

    @Test
    void sinceUntilAndTimestampsInUtc() throws Exception {
        read(true, false, Instant.parse("2026-11-23T21:46:03.3Z"), Instant.parse("2026-11-23T22:46:04Z"), true, -1);
        // 22:46:03.3+01:00 is 21:46:03.3Z: inside; 22:46:01.1Z is after it too
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "2026-11-23T22:46:01.1Z one\n2026-11-23T21:46:03.300000001Z partial\n2026-11-23T22:46:04Z \n");
        assertThat(err.size()).isZero();
    }

    @Test
    void tailCountsWholeEntries() throws Exception {
        read(true, true, null, null, false, 3);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("partial\n\nlast\n");
        assertThat(err.size()).isZero();
    }

    @Test
    void timeParsing() {
        byte[] b = "2026-11-23T22:46:01.123456789-02:30".getBytes(StandardCharsets.US_ASCII);
        assertThat(LogReader.parseTime(b, 0, b.length)).isEqualTo(Instant.parse("2026-11-24T01:16:01.123456789Z"));
        byte[] bad = "2026-13-23T22:46:01Z".getBytes(StandardCharsets.US_ASCII);
        assertThat(LogReader.parseTime(bad, 0, bad.length)).isNull();
    }
}
