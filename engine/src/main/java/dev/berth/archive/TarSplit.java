package dev.berth.archive;

import dev.berth.common.BulkInputStream;
import dev.berth.common.Digest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * Tar-split metadata (Docker's idea, berth's format): while a layer tar is unpacked, every byte of
 * it that is not the content of a regular file — header blocks verbatim (PAX and GNU long-name
 * records included), padding, the end-of-archive blocks and anything after them — is recorded,
 * and each file's content is recorded as a reference to the file it was written to in the diff
 * tree and its size. {@link #assemble} rebuilds the exact original byte stream from the metadata
 * and the tree, so the diff id (sha256 of the tar) survives without keeping a copy of the tar.
 *
 * <p>Format (the caller compresses it): {@code "BTS1"}, then records: {@code 'R' int n, n bytes}
 * (raw tar bytes), {@code 'F' long size, int n, n bytes} (a file's content: its path in the tree,
 * UTF-8, relative), {@code 'P' long realSize, int count, count × (long offset, long length), int n,
 * n bytes} (a sparse file's stored data: those ranges of the file, in order, the file being
 * {@code realSize} bytes), and a final {@code 'E' long total} (the tar's length). The content of a file
 * that a later entry of the same tar replaced (duplicate names, a file replaced by a directory, a
 * whiteout of a file of the same layer) is moved aside into the spill directory under its file
 * number, so it is not lost; the assembler looks there first.
 */
public final class TarSplit {
    private static final byte[] MAGIC = {'B', 'T', 'S', '1'};
    private static final int RAW_CHUNK = 1 << 16;

    private TarSplit() {}

    /** The rebuilt stream does not match: a tree file changed, vanished or was never recorded right. */
    public static final class MismatchException extends IOException {
        public MismatchException(String message) {
            super(message);
        }
    }

    /**
     * Records the metadata of the tar read through {@link #wrap} into {@code out} (not closed).
     * Content the unpacker would lose is moved into {@code spillDir} (created on first use).
     */
    public static final class Recorder {
        private final DataOutputStream out;
        private final Path root;
        private final Path spillDir;
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        /** Paths of files written so far (relative, normalised) and their file numbers. */
        private final Map<String, Integer> written = new HashMap<>();
        private long dataRemaining;
        private long total;
        private int files;

        public Recorder(OutputStream out, Path root, Path spillDir) throws IOException {
            this.out = new DataOutputStream(out);
            this.root = root;
            this.spillDir = spillDir;
            this.out.write(MAGIC);
        }

        /** The stream the tar reader must read from: what passes through is recorded. */
        InputStream wrap(InputStream in) {
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (dataRemaining > 0) {
                        int n = in.read(b, off, (int) Math.min(len, dataRemaining));
                        if (n > 0) {
                            dataRemaining -= n;
                        }
                        return n;
                    }
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        raw(b, off, n);
                    }
                    return n;
                }

                @Override
                public long skip(long n) throws IOException {
                    return skipByReading(this, n);
                }

                @Override
                public boolean markSupported() {
                    return false;
                }
            };
        }

        private void raw(byte[] b, int off, int n) throws IOException {
            raw.write(b, off, n);
            total += n;
            if (raw.size() >= RAW_CHUNK) {
                flushRaw();
            }
        }

        private void flushRaw() throws IOException {
            if (raw.size() > 0) {
                out.writeByte('R');
                out.writeInt(raw.size());
                raw.writeTo(out);
                raw.reset();
            }
        }

        /**
         * The next {@code size} bytes read are the content of the file written at {@code path}
         * (relative to the root, normalised): they are referenced, not recorded. Called by the
         * unpacker right before it copies an entry's content into the tree.
         */
        void file(String path, long size) throws IOException {
            start();
            out.writeByte('F');
            out.writeLong(size);
            announce(path, size);
        }

        /**
         * As {@link #file}, for a sparse file of {@code realSize} bytes: the next bytes read are its
         * {@code fragments}' data, one after the other.
         */
        void sparseFile(String path, long realSize, List<TarEntry.Fragment> fragments) throws IOException {
            start();
            out.writeByte('P');
            out.writeLong(realSize);
            out.writeInt(fragments.size());
            long stored = 0;
            for (TarEntry.Fragment f : fragments) {
                out.writeLong(f.offset());
                out.writeLong(f.length());
                stored += f.length();
            }
            announce(path, stored);
        }

        private void start() throws IOException {
            if (dataRemaining != 0) {
                throw new IllegalStateException("file content announced inside another file's content");
            }
            flushRaw();
        }

        private void announce(String path, long stored) throws IOException {
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            out.writeInt(p.length);
            out.write(p);
            written.put(path, files++);
            dataRemaining = stored;
            total += stored;
        }

        /**
         * The unpacker is about to delete {@code path} (relative, normalised; {@code onDisk} is
         * where it is): the content of recorded files at or under it is moved aside first.
         */
        void replacing(String path, Path onDisk) throws IOException {
            Integer n = written.remove(path);
            if (n != null) {
                spill(onDisk, n);
                return;
            }
            if (Files.isDirectory(onDisk, LinkOption.NOFOLLOW_LINKS)) {
                String prefix = path + "/";
                List<String> under = new ArrayList<>();
                for (String p : written.keySet()) {
                    if (p.startsWith(prefix)) {
                        under.add(p);
                    }
                }
                for (String p : under) {
                    spill(root.resolve(p), written.remove(p));
                }
            }
        }

        private void spill(Path file, int n) throws IOException {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return; // not what was written: the assembler will notice
            }
            Files.createDirectories(spillDir);
            Files.move(file, spillDir.resolve(Integer.toString(n)), StandardCopyOption.ATOMIC_MOVE);
        }

        /** Ends the metadata after the whole stream (trailing bytes included) was read. */
        void finish() throws IOException {
            if (dataRemaining != 0) {
                throw new EOFException("truncated tar entry");
            }
            flushRaw();
            out.writeByte('E');
            out.writeLong(total);
            out.flush();
        }
    }

    /**
     * The tar rebuilt from {@code metadata} (uncompressed, as the recorder wrote it; the stream is
     * closed with the result) and the files under {@code root} (and {@code spillDir}). The stream
     * checks itself: a referenced file that is missing, not a regular file, or not of the recorded
     * size fails the read at once, and at the end the sha256 of everything produced must be
     * {@code expected}; otherwise a {@link MismatchException} is thrown instead of end-of-stream.
     */
    public static InputStream assemble(InputStream metadata, Path root, Path spillDir, Digest expected)
            throws IOException {
        return new Assembler(metadata, root, spillDir, expected);
    }

    /**
     * The length of the tar {@link #assemble} would rebuild, judged from {@code metadata} (closed
     * with the result) and lstat of the referenced files alone, without reading them: a file that
     * is missing, not a regular file, or of another size is a {@link MismatchException}. Returns
     * a negative length when some file's status changed (ctime) after {@code recordedAt}, the
     * time the metadata was finished: its content may have changed too, so only reading it all
     * can tell (unpacking sets times and owners before the metadata is finished, and nothing
     * changes a file's content without changing its ctime, which cannot be set back).
     */
    public static long scan(InputStream metadata, Path root, Path spillDir, FileTime recordedAt)
            throws IOException {
        try (DataInputStream meta = new DataInputStream(new BufferedInputStream(metadata, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            meta.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new MismatchException("not berth tar-split metadata");
            }
            Set<Integer> spilled = spilled(spillDir);
            long total = 0;
            boolean touched = false;
            int files = 0;
            while (true) {
                int kind = meta.readUnsignedByte();
                switch (kind) {
                    case 'R' -> {
                        int n = meta.readInt();
                        if (n < 0) {
                            throw new MismatchException("corrupt tar-split metadata");
                        }
                        meta.skipNBytes(n);
                        total += n;
                    }
                    case 'F', 'P' -> {
                        FileRecord r = FileRecord.read(kind, meta);
                        String name = r.name();
                        long size = r.size();
                        Path file = source(name, files++, root, spillDir, spilled);
                        Map<String, Object> a;
                        try {
                            a = Files.readAttributes(file, "unix:mode,size,ctime", LinkOption.NOFOLLOW_LINKS);
                        } catch (NoSuchFileException e) {
                            throw new MismatchException("layer file " + name + " is missing");
                        }
                        checkFile(name, ((Integer) a.get("mode") & 0170000) == 0100000, (Long) a.get("size"), size);
                        touched |= ((FileTime) a.get("ctime")).compareTo(recordedAt) >= 0;
                        total += r.stored();
                    }
                    case 'E' -> {
                        if (meta.readLong() != total) {
                            throw new MismatchException("corrupt tar-split metadata: length");
                        }
                        return touched ? -1 : total;
                    }
                    default -> throw new MismatchException("corrupt tar-split metadata");
                }
            }
        } catch (EOFException | ZipException e) {
            throw new MismatchException("tar-split metadata is truncated or corrupt: " + e.getMessage());
        }
    }

    /**
     * An {@code 'F'} or {@code 'P'} record: the file's name, its size, and the ranges of it the tar
     * stores (a regular file: all of it).
     */
    private record FileRecord(String name, long size, List<TarEntry.Fragment> fragments) {
        long stored() {
            return fragments.stream().mapToLong(TarEntry.Fragment::length).sum();
        }

        static FileRecord read(int kind, DataInputStream meta) throws IOException {
            long size = meta.readLong();
            List<TarEntry.Fragment> fragments = new ArrayList<>();
            if (kind == 'F') {
                fragments.add(new TarEntry.Fragment(0, size));
            } else {
                int count = meta.readInt();
                if (count < 0 || count > 1 << 20) {
                    throw new MismatchException("corrupt tar-split metadata");
                }
                long end = 0;
                for (int i = 0; i < count; i++) {
                    TarEntry.Fragment f = new TarEntry.Fragment(meta.readLong(), meta.readLong());
                    if (f.offset() < end || f.length() < 0 || f.offset() > size - f.length()) {
                        throw new MismatchException("corrupt tar-split metadata: sparse map");
                    }
                    end = f.offset() + f.length();
                    fragments.add(f);
                }
            }
            int n = meta.readInt();
            if (size < 0 || n <= 0 || n > 1 << 20) {
                throw new MismatchException("corrupt tar-split metadata");
            }
            byte[] p = new byte[n];
            meta.readFully(p);
            return new FileRecord(new String(p, StandardCharsets.UTF_8), size, fragments);
        }
    }

    private static Set<Integer> spilled(Path spillDir) throws IOException {
        Set<Integer> out = new HashSet<>();
        if (Files.isDirectory(spillDir)) {
            try (var s = Files.newDirectoryStream(spillDir)) {
                for (Path p : s) {
                    out.add(Integer.parseInt(p.getFileName().toString()));
                }
            }
        }
        return out;
    }

    /** Where file number {@code number} (recorded as {@code name}) is to be read from. */
    private static Path source(String name, int number, Path root, Path spillDir, Set<Integer> spilled)
            throws MismatchException {
        if (spilled.contains(number)) {
            return spillDir.resolve(Integer.toString(number));
        }
        for (String c : name.split("/", -1)) {
            if (c.isEmpty() || c.equals(".") || c.equals("..")) {
                throw new MismatchException("corrupt tar-split metadata: path " + name);
            }
        }
        return root.resolve(name);
    }

    private static void checkFile(String name, boolean regular, long actual, long size) throws MismatchException {
        if (!regular || actual != size) {
            throw new MismatchException("layer file " + name + " is " + (regular ? actual + " bytes" : "not a regular file")
                    + ", its tar entry says " + size + " bytes");
        }
    }

    /**
     * {@code in} as it is, except that at its end its sha256 must be {@code expected}: otherwise a
     * {@link MismatchException} is thrown instead of end-of-stream.
     */
    public static InputStream verified(InputStream in, Digest expected) {
        MessageDigest sha = Digest.newSha256();
        return new FilterInputStream(new java.security.DigestInputStream(in, sha)) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0 && !checked) {
                    Digest actual = Digest.of(sha);
                    if (!actual.equals(expected)) {
                        throw new MismatchException("layer tar is " + actual + ", the layer's diff id is " + expected);
                    }
                    checked = true;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return skipByReading(this, n);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    private static final class Assembler extends BulkInputStream {
        private final DataInputStream meta;
        private final Path root;
        private final Path spillDir;
        private final Set<Integer> spilled = new HashSet<>();
        private final Digest expected;
        private final MessageDigest sha = Digest.newSha256();
        private byte[] raw;
        private int rawPos;
        private SeekableByteChannel file;
        private String fileName;
        private long fileRemaining;
        private java.util.Deque<TarEntry.Fragment> fragments;
        private int files;
        private long produced;
        private boolean done;

        Assembler(InputStream metadata, Path root, Path spillDir, Digest expected) throws IOException {
            this.meta = new DataInputStream(new BufferedInputStream(metadata, 1 << 16));
            this.root = root;
            this.spillDir = spillDir;
            this.expected = expected;
            byte[] magic = new byte[MAGIC.length];
            try {
                meta.readFully(magic);
            } catch (EOFException e) {
                throw new MismatchException("tar-split metadata is empty");
            }
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new MismatchException("not berth tar-split metadata");
            }
            spilled.addAll(TarSplit.spilled(spillDir));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (done) {
                    return -1;
                }
                if (raw != null) {
                    int n = Math.min(len, raw.length - rawPos);
                    System.arraycopy(raw, rawPos, b, off, n);
                    rawPos += n;
                    if (rawPos == raw.length) {
                        raw = null;
                    }
                    return produced(b, off, n);
                }
                if (file != null) {
                    int n = file.read(ByteBuffer.wrap(b, off, (int) Math.min(len, fileRemaining)));
                    if (n < 0) {
                        throw new MismatchException("layer file " + fileName + " ended early");
                    }
                    fileRemaining -= n;
                    if (fileRemaining == 0) {
                        nextFragment();
                    }
                    if (n > 0) {
                        return produced(b, off, n);
                    }
                    continue;
                }
                next();
            }
        }

        private int produced(byte[] b, int off, int n) {
            sha.update(b, off, n);
            produced += n;
            return n;
        }

        private void next() throws IOException {
            int kind;
            try {
                kind = meta.readUnsignedByte();
                switch (kind) {
                    case 'R' -> {
                        int n = meta.readInt();
                        if (n < 0 || n > 64 << 20) {
                            throw new MismatchException("corrupt tar-split metadata");
                        }
                        raw = new byte[n];
                        rawPos = 0;
                        meta.readFully(raw);
                        if (n == 0) {
                            raw = null;
                        }
                    }
                    case 'F', 'P' -> openFile(FileRecord.read(kind, meta), files++);
                    case 'E' -> {
                        long total = meta.readLong();
                        Digest actual = Digest.of(sha);
                        if (total != produced || !actual.equals(expected)) {
                            throw new MismatchException("rebuilt layer tar is " + actual + " (" + produced
                                    + " bytes), the layer's diff id is " + expected + " (" + total + " bytes)");
                        }
                        done = true;
                    }
                    default -> throw new MismatchException("corrupt tar-split metadata");
                }
            } catch (EOFException | ZipException e) {
                throw new MismatchException("tar-split metadata is truncated or corrupt: " + e.getMessage());
            }
        }

        private void openFile(FileRecord r, int number) throws IOException {
            String name = r.name();
            long size = r.size();
            Path p = source(name, number, root, spillDir, spilled);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new MismatchException("layer file " + name + " is missing");
            }
            checkFile(name, a.isRegularFile(), a.size(), size); // lstat before open: a fifo must not block
            if (r.stored() == 0) {
                return;
            }
            SeekableByteChannel ch;
            try {
                ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new MismatchException("layer file " + name + " cannot be read: " + e.getMessage());
            }
            file = ch;
            fileName = name;
            fragments = new java.util.ArrayDeque<>(r.fragments());
            nextFragment();
        }

        /** Moves to the next fragment with data (a regular file is one fragment), or closes the file. */
        private void nextFragment() throws IOException {
            TarEntry.Fragment f;
            do {
                f = fragments.poll();
                if (f == null) {
                    closeFile();
                    return;
                }
            } while (f.length() == 0);
            file.position(f.offset());
            fileRemaining = f.length();
        }

        private void closeFile() throws IOException {
            if (file != null) {
                file.close();
                file = null;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                closeFile();
            } finally {
                meta.close();
            }
        }
    }

    /** Skips by reading, never seeking: every byte must pass through the digest on the way. */
    private static long skipByReading(InputStream in, long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }
}
