package dev.berth.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A progress bar fed with byte counts that reports at most every 1% or 512 KiB (as Docker's
 * progress reader does, so a layer is not one message per read) and always at the end.
 */
final class ThrottledProgress implements LongConsumer {
    private final String id;
    private final String status;
    private final long total;
    private final Progress progress;
    private final long step;
    private long last = -1;

    ThrottledProgress(String id, String status, long total, Progress progress) {
        this.id = id;
        this.status = status;
        this.total = total;
        this.progress = progress;
        this.step = Math.max(512 * 1024, total / 100);
    }

    @Override
    public void accept(long current) {
        if (last < 0 || current - last >= step || current == total) {
            last = current;
            progress.progress(id, status, current, total);
        }
    }

    /**
     * {@code in}, reporting the bytes read from it; the last report is at end of stream. Skips
     * read (InputStream's own skip), so that they are counted too.
     */
    InputStream counting(InputStream in) {
        return new InputStream() {
            private long current;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    current += n;
                    accept(current);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                byte[] one = readNBytes(1);
                return one.length == 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
