package dev.berth.container;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * Reads conmon's k8s-file log ({@code <RFC3339Nano> <stdout|stderr> <F|P> <text>} per line) back
 * into stdout and stderr with their timestamps. Partial lines (P) are joined to the following
 * line of the same stream, as conmon split them.
 */
public final class LogReader {
    /** What to read; {@code tail} < 0 means all. */
    public record Options(boolean stdout, boolean stderr, Instant since, Instant until, boolean timestamps, int tail,
                          boolean follow) {}

    /** One log entry. */
    record Entry(Instant time, String timeText, int stream, String text, boolean partial) {}

    private LogReader() {}

    public static void read(Path file, Options o, StreamSink sink, BooleanSupplier stillRunning) throws IOException {
        if (!Files.exists(file)) {
            if (!o.follow()) {
                return;
            }
        }
        long offset = 0;
        if (o.tail() >= 0 && Files.exists(file)) {
            offset = tailOffset(file, o.tail());
        }
        StringBuilder partialOut = new StringBuilder();
        StringBuilder partialErr = new StringBuilder();
        while (true) {
            long len = Files.exists(file) ? Files.size(file) : 0;
            if (len > offset) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                    raf.seek(offset);
                    BufferedReader r = new BufferedReader(new InputStreamReader(Channels.newInputStream(raf.getChannel()),
                            StandardCharsets.UTF_8), 65536);
                    long consumed = 0;
                    String line;
                    while ((line = readCompleteLine(r)) != null) {
                        consumed += line.getBytes(StandardCharsets.UTF_8).length + 1;
                        emit(parse(line), o, sink, partialOut, partialErr);
                    }
                    offset += consumed;
                }
            }
            if (!o.follow()) {
                return;
            }
            if (o.until() != null && Instant.now().isAfter(o.until())) {
                return;
            }
            if (!stillRunning.getAsBoolean()) {
                // One more pass: conmon drains the pipes before it writes the exit file.
                if (Files.exists(file) && Files.size(file) <= offset) {
                    return;
                }
                continue;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads a line only if its newline was written; an unfinished last line is left for later. */
    private static String readCompleteLine(BufferedReader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        r.mark(1 << 20);
        while ((ch = r.read()) >= 0) {
            if (ch == '\n') {
                return sb.toString();
            }
            sb.append((char) ch);
            if (sb.length() >= (1 << 20) - 1) {
                r.mark(1 << 20);
            }
        }
        r.reset();
        return null;
    }

    private static void emit(Entry e, Options o, StreamSink sink, StringBuilder partialOut, StringBuilder partialErr)
            throws IOException {
        if (e == null) {
            return;
        }
        StringBuilder partial = e.stream() == StreamSink.STDOUT ? partialOut : partialErr;
        if (e.partial()) {
            partial.append(e.text());
            return;
        }
        String text = partial + e.text() + "\n";
        partial.setLength(0);
        if (e.stream() == StreamSink.STDOUT && !o.stdout() || e.stream() == StreamSink.STDERR && !o.stderr()) {
            return;
        }
        if (o.since() != null && e.time().isBefore(o.since())) {
            return;
        }
        if (o.until() != null && e.time().isAfter(o.until())) {
            return;
        }
        if (o.timestamps()) {
            text = DockerTime.format(e.time()) + " " + text;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        sink.write(e.stream(), b, 0, b.length);
    }

    static Entry parse(String line) {
        int s1 = line.indexOf(' ');
        int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
        int s3 = s2 < 0 ? -1 : line.indexOf(' ', s2 + 1);
        if (s3 < 0) {
            if (s2 > 0 && line.length() > s2 + 1) {
                s3 = line.length();
            } else {
                return null;
            }
        }
        String ts = line.substring(0, s1);
        Instant time;
        try {
            time = OffsetDateTime.parse(ts).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
        int stream = line.startsWith("stderr", s1 + 1) ? StreamSink.STDERR : StreamSink.STDOUT;
        boolean partial = line.charAt(s2 + 1) == 'P';
        String text = s3 < line.length() ? line.substring(s3 + 1) : "";
        return new Entry(time, ts, stream, text, partial);
    }

    /** Byte offset where the last {@code n} complete (F) entries begin. */
    private static long tailOffset(Path file, int n) throws IOException {
        if (n == 0) {
            return Files.size(file);
        }
        ArrayDeque<Long> starts = new ArrayDeque<>();
        long pos = 0;
        long entryStart = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 65536)) {
            StringBuilder line = new StringBuilder();
            int b;
            long lineStart = 0;
            while ((b = in.read()) >= 0) {
                pos++;
                if (b == '\n') {
                    Entry e = parse(line.toString());
                    if (e != null && !e.partial()) {
                        starts.addLast(entryStart);
                        if (starts.size() > n) {
                            starts.removeFirst();
                        }
                        entryStart = pos;
                    } else if (e == null) {
                        entryStart = pos;
                    }
                    line.setLength(0);
                    lineStart = pos;
                } else if (line.length() < 64) {
                    line.append((char) b);
                } else if (line.length() == 64) {
                    // enough to parse the header; the text is not needed to find entry starts
                    line.append("x");
                }
            }
            if (lineStart < 0) {
                return 0;
            }
        }
        return starts.isEmpty() ? Files.size(file) : starts.getFirst();
    }
}
