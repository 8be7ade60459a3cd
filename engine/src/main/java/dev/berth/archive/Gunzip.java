package dev.berth.archive;

import dev.berth.common.BulkInputStream;
import dev.berth.sys.Libc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;

/**
 * gzip decompression of a whole blob file at once with libdeflate (Debian's libdeflate0, through
 * java.lang.foreign): the compressed file is mapped, the tar is inflated into memory in one call
 * and read from there. libdeflate inflated the five layers of the bench image (148 MB of gzip) in
 * 143 ms of CPU where zlib (java.util.zip) took 250 ms; inflating is the largest CPU cost of a
 * pull after the two sha256 passes.
 * libdeflate has no streaming interface, hence whole blobs only, and only what fits the memory
 * budget; everything else (no libdeflate, a blob larger than the budget, several gzip members,
 * data libdeflate rejects) is left to the streaming path, which also gives the usual errors.
 */
public final class Gunzip {
    /**
     * Memory for inflated tars in use at once, all pulls together: 768 MiB, or an eighth of the
     * machine's memory where that is less; a layer that does not fit streams.
     */
    private static final long BUDGET_BYTES = Math.min(768L << 20, physicalMemory() / 8);
    private static final int CHUNK = 1 << 20;
    private static final Semaphore BUDGET = new Semaphore((int) (BUDGET_BYTES / CHUNK));
    private static final int SUCCESS = 0;

    private static final long HUGE_PAGE = 2L << 20;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final MethodHandle MMAP = Libc.plain("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MADVISE = Libc.plain("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MUNMAP = Libc.plain("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG));

    private static final MethodHandle ALLOC;
    private static final MethodHandle FREE;
    private static final MethodHandle DECOMPRESS;

    static {
        MethodHandle alloc = null;
        MethodHandle free = null;
        MethodHandle decompress = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup("libdeflate.so.0", Arena.global());
            alloc = linker.downcallHandle(lib.find("libdeflate_alloc_decompressor").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS));
            free = linker.downcallHandle(lib.find("libdeflate_free_decompressor").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            // result (decompressor, in, in_nbytes, out, out_nbytes_avail, *actual_in_nbytes, *actual_out_nbytes)
            decompress = linker.downcallHandle(lib.find("libdeflate_gzip_decompress_ex").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        } catch (IllegalArgumentException | java.util.NoSuchElementException | UnsupportedOperationException
                | IllegalCallerException e) {
            alloc = null; // no libdeflate here: the streaming path does everything
        }
        ALLOC = alloc;
        FREE = free;
        DECOMPRESS = decompress;
    }

    private Gunzip() {}

    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /** Whether libdeflate could be loaded. */
    public static boolean available() {
        return ALLOC != null;
    }

    /**
     * The uncompressed content of the single-member gzip file {@code blob}, in memory of
     * {@code arena} (closing it frees the memory and the budget); empty when this path does not
     * apply and the caller should stream the file instead. As it is read, {@code progress} hears
     * the share read so far in bytes of the blob, what counting the compressed stream would say.
     */
    public static Optional<InputStream> open(Path blob, Arena arena, LongConsumer progress) throws IOException {
        if (!available()) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 18) {
                return Optional.empty();
            }
            MemorySegment in = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if ((in.get(ValueLayout.JAVA_BYTE, 0) & 0xff) != 0x1f || (in.get(ValueLayout.JAVA_BYTE, 1) & 0xff) != 0x8b) {
                return Optional.empty();
            }
            // ISIZE, the trailer's length mod 2^32: exact for one member; a larger tar gets "no space" and streams
            long isize = Integer.toUnsignedLong(in.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), size - 4));
            int permits = (int) Math.max(1, (isize + CHUNK - 1) / CHUNK);
            if (permits > BUDGET_BYTES / CHUNK || !BUDGET.tryAcquire(permits)) {
                return Optional.empty();
            }
            boolean ok = false;
            try {
                Optional<MemorySegment> out = inflate(in, Math.max(isize, 1), arena);
                ok = out.isPresent();
                return out.map(o -> new Memory(o, permits, size, progress));
            } finally {
                if (!ok) {
                    BUDGET.release(permits);
                }
            }
        }
    }

    private static Optional<MemorySegment> inflate(MemorySegment in, long outSize, Arena arena) throws IOException {
        MemorySegment out = anonymous(outSize, arena);
        MemorySegment actualIn = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment actualOut = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment d;
        try {
            d = (MemorySegment) ALLOC.invokeExact();
        } catch (Throwable t) {
            throw new IOException("libdeflate: " + t, t);
        }
        if (d.equals(MemorySegment.NULL)) {
            return Optional.empty(); // out of memory in C: stream instead
        }
        try {
            int r = (int) DECOMPRESS.invokeExact(d, in, in.byteSize(), out, outSize, actualIn, actualOut);
            // a second member or trailing bytes: Go's reader and GZIPInputStream read on; the stream path does that
            if (r != SUCCESS || actualIn.get(ValueLayout.JAVA_LONG, 0) != in.byteSize()) {
                return Optional.empty();
            }
            return Optional.of(out.asSlice(0, actualOut.get(ValueLayout.JAVA_LONG, 0)));
        } catch (Throwable t) {
            throw new IOException("libdeflate: " + t, t);
        } finally {
            try {
                FREE.invokeExact(d);
            } catch (Throwable ignored) {
                // nothing to free then
            }
        }
    }

    /**
     * Fresh memory for an inflated tar, unmapped when {@code arena} closes. Not from the arena:
     * it zeroes what it allocates, touching every 4 KiB page first (~70 ms of CPU per pull of the
     * bench image in page faults and zeroing). Anonymous memory is zero already, and transparent
     * huge pages (madvise mode on Debian) take 1/512 of the faults.
     */
    private static MemorySegment anonymous(long size, Arena arena) throws IOException {
        long length = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        MemorySegment p;
        try {
            p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                    0L);
            if (p.address() == -1L) { // MAP_FAILED
                throw new IOException("mmap of " + length + " bytes failed");
            }
            int ignored = (int) MADVISE.invokeExact(p, length, MADV_HUGEPAGE); // a hint: without it, small pages
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mmap: " + t, t);
        }
        return p.reinterpret(length, arena, Gunzip::unmap).asSlice(0, size);
    }

    private static void unmap(MemorySegment p) {
        try {
            int ignored = (int) MUNMAP.invokeExact(p, p.byteSize());
        } catch (Throwable t) {
            // the memory is lost to this process until it exits; nothing else to do
        }
    }

    /** Reads an inflated tar from memory; marked as decompressed, so {@link Compression#decompress} passes it on as is. */
    static final class Memory extends BulkInputStream implements Compression.Decompressed {
        private final MemorySegment data;
        private final int permits;
        private final long blobSize;
        private final LongConsumer progress;
        private long pos;
        private boolean closed;

        Memory(MemorySegment data, int permits, long blobSize, LongConsumer progress) {
            this.data = data;
            this.permits = permits;
            this.blobSize = blobSize;
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = data.byteSize() - pos;
            if (left <= 0) {
                return len == 0 ? 0 : -1;
            }
            int n = (int) Math.min(len, left);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, pos, b, off, n);
            pos += n;
            progress.accept(pos == data.byteSize() ? blobSize : (long) ((double) pos / data.byteSize() * blobSize));
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, data.byteSize() - pos);
        }

        /** Gives the memory budget back; the memory itself goes with the arena. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                BUDGET.release(permits);
            }
        }
    }
}
