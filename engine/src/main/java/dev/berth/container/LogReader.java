package dev.berth.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Reads conmon's k8s-file log ({@code <RFC3339Nano> <stdout|stderr> <F|P> <text>} per line) back
 * into stdout and stderr with their timestamps. Partial lines (P) are joined to the following
 * line of the same stream, as conmon split them.
 *
 * <p>Works on bytes in large blocks: the text of an entry goes to the sink straight from the
 * read buffer, timestamps are parsed only when since/until/timestamps ask for them, and the
 * sink is flushed once per pass over the file, not per line (a million lines is a million
 * entries; per-line strings, date parsing and flushes made {@code logs} slower than Docker's).
 */
public final class LogReader {
    /** What to read; {@code tail} < 0 means all. */
    public record Options(boolean stdout, boolean stderr, Instant since, Instant until, boolean timestamps, int tail,
                          boolean follow) {}

    private static final int BLOCK = 1 << 20;
    private static final byte[] STDERR_TAG = "stderr".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STDOUT_TAG = "stdout".getBytes(StandardCharsets.US_ASCII);

    private final Options o;
    private final StreamSink sink;
    private final boolean needTime;
    private final ByteArrayOutputStream partialOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream partialErr = new ByteArrayOutputStream();

    private LogReader(Options o, StreamSink sink) {
        this.o = o;
        this.sink = sink;
        this.needTime = o.since() != null || o.until() != null || o.timestamps();
    }

    public static void read(Path file, Options o, StreamSink sink, BooleanSupplier stillRunning) throws IOException {
        if (!Files.exists(file) && !o.follow()) {
            return;
        }
        LogReader reader = new LogReader(o, sink);
        long offset = o.tail() >= 0 && Files.exists(file) ? tailOffset(file, o.tail()) : 0;
        byte[] buf = new byte[BLOCK];
        while (true) {
            if (Files.exists(file) && Files.size(file) > offset) {
                offset = reader.pass(file, offset, buf);
                sink.flush();
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

    /** Emits every complete line from {@code offset} on; returns the offset after the last one. */
    private long pass(Path file, long offset, byte[] buf) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(offset);
            int filled = 0;
            while (true) {
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2); // one line longer than the block
                }
                int n = ch.read(ByteBuffer.wrap(buf, filled, buf.length - filled));
                if (n <= 0) {
                    return offset; // an unfinished last line stays for the next pass
                }
                filled += n;
                int start = 0;
                for (int i = 0; i < filled; i++) {
                    if (buf[i] == '\n') {
                        line(buf, start, i);
                        start = i + 1;
                    }
                }
                offset += start;
                System.arraycopy(buf, start, buf, 0, filled - start);
                filled -= start;
            }
        }
    }

    /** One log line {@code buf[from, nl)}; {@code buf[nl]} is its newline. */
    private void line(byte[] buf, int from, int nl) throws IOException {
        int s1 = indexOf(buf, from, nl, (byte) ' ');
        int s2 = s1 < 0 ? -1 : indexOf(buf, s1 + 1, nl, (byte) ' ');
        if (s2 < 0 || s2 + 1 >= nl) {
            return; // not a k8s-file line
        }
        int s3 = indexOf(buf, s2 + 1, nl, (byte) ' ');
        int textStart = s3 < 0 ? nl : s3 + 1;
        if (!wellFormed(buf, from, s1, s2, textStart)) {
            return;
        }
        int stream = startsWith(buf, s1 + 1, STDERR_TAG) ? StreamSink.STDERR : StreamSink.STDOUT;
        boolean partial = buf[s2 + 1] == 'P';
        ByteArrayOutputStream pending = stream == StreamSink.STDOUT ? partialOut : partialErr;
        if (partial) {
            pending.write(buf, textStart, nl - textStart);
            return;
        }
        if (stream == StreamSink.STDOUT && !o.stdout() || stream == StreamSink.STDERR && !o.stderr()) {
            pending.reset();
            return;
        }
        Instant time = null;
        if (needTime) {
            time = parseTime(buf, from, s1);
            if (time == null || o.since() != null && time.isBefore(o.since()) || o.until() != null && time.isAfter(o.until())) {
                pending.reset();
                return;
            }
        }
        if (pending.size() == 0 && !o.timestamps()) {
            sink.write(stream, buf, textStart, nl + 1 - textStart); // the text and its newline, in place
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(pending.size() + nl - textStart + 40);
        if (o.timestamps()) {
            out.writeBytes((DockerTime.format(time) + " ").getBytes(StandardCharsets.US_ASCII));
        }
        pending.writeTo(out);
        pending.reset();
        out.write(buf, textStart, nl + 1 - textStart);
        sink.write(stream, out.toByteArray(), 0, out.size());
    }

    /** A timestamp-shaped first field, stdout or stderr, then F or P: what conmon writes, nothing else. */
    private static boolean wellFormed(byte[] b, int from, int s1, int s2, int textStart) {
        boolean stamp = s1 - from >= 20 && b[from + 10] == 'T';
        boolean stream = s2 - s1 == 7 && (startsWith(b, s1 + 1, STDERR_TAG) || startsWith(b, s1 + 1, STDOUT_TAG));
        boolean tag = textStart - s2 - 1 <= 2 && (b[s2 + 1] == 'F' || b[s2 + 1] == 'P');
        return stamp && stream && tag;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (at + prefix.length > b.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3339 as conmon writes it ({@code 2026-11-23T22:46:01.123456789+00:00} or {@code ...Z});
     * null when malformed. Hand-rolled: DateTimeFormatter costs microseconds per line.
     */
    static Instant parseTime(byte[] b, int from, int to) {
        try {
            if (to - from < 20 || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != 'T' || b[from + 13] != ':'
                    || b[from + 16] != ':') {
                return null;
            }
            long days = LocalDate.of(digits(b, from, 4), digits(b, from + 5, 2), digits(b, from + 8, 2)).toEpochDay();
            long secs = days * 86400 + digits(b, from + 11, 2) * 3600L + digits(b, from + 14, 2) * 60L + digits(b, from + 17, 2);
            int i = from + 19;
            long nanos = 0;
            if (b[i] == '.') {
                int scale = 100_000_000;
                for (i++; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
                    nanos += (b[i] - '0') * (long) scale;
                    scale /= 10;
                }
            }
            if (b[i] == 'Z' && i + 1 == to) {
                return Instant.ofEpochSecond(secs, nanos);
            }
            if ((b[i] == '+' || b[i] == '-') && to - i == 6 && b[i + 3] == ':') {
                int sign = b[i] == '+' ? 1 : -1;
                long offset = digits(b, i + 1, 2) * 3600L + digits(b, i + 4, 2) * 60L;
                return Instant.ofEpochSecond(secs - sign * offset, nanos);
            }
            return null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int digits(byte[] b, int at, int n) {
        int v = 0;
        for (int i = at; i < at + n; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new NumberFormatException("not a digit");
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** Byte offset where the last {@code n} complete (F) entries begin. */
    private static long tailOffset(Path file, int n) throws IOException {
        long size = Files.size(file);
        if (n == 0) {
            return size;
        }
        ArrayDeque<Long> starts = new ArrayDeque<>();
        long entryStart = 0;
        long pos = 0;
        byte[] head = new byte[64]; // enough of a line to see its tag
        int headLen = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), BLOCK)) {
            int b;
            while ((b = in.read()) >= 0) {
                pos++;
                if (b != '\n') {
                    if (headLen < head.length) {
                        head[headLen++] = (byte) b;
                    }
                    continue;
                }
                int s1 = indexOf(head, 0, headLen, (byte) ' ');
                int s2 = s1 < 0 ? -1 : indexOf(head, s1 + 1, headLen, (byte) ' ');
                int s3 = s2 < 0 ? -1 : indexOf(head, s2 + 1, headLen, (byte) ' ');
                boolean valid = s2 > 0 && s2 + 1 < headLen && wellFormed(head, 0, s1, s2, s3 < 0 ? headLen : s3 + 1);
                if (valid && head[s2 + 1] != 'P') {
                    starts.addLast(entryStart);
                    if (starts.size() > n) {
                        starts.removeFirst();
                    }
                    entryStart = pos;
                } else if (!valid) {
                    entryStart = pos;
                }
                headLen = 0;
            }
        }
        return starts.isEmpty() ? size : starts.getFirst();
    }
}
