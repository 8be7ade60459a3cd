package dev.berth.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A program copied into a sealed memory file (memfd with write, grow, shrink and seal seals), run
 * through {@code /proc/<pid>/fd/<n>} for as long as this process lives.
 *
 * <p>Why: crun (and runc's init) protects its binary against CVE-2019-5736 by re-executing
 * itself from a read-only copy at every invocation — one more exec, a bind mount and a lazy
 * unmount each time, 10–20 ms per call on a busy 2-core machine. A binary already running from a
 * fully sealed memfd is that copy (the runtimes' {@code is_self_cloned} checks exactly these
 * seals), so the runtime skips the dance; the protection is the same, the container can never
 * write to the host's binary.
 *
 * <p>The copy follows the file: {@link #path} makes a new one when the program on disk changed
 * (a package upgrade), so the daemon never runs a stale runtime.
 */
public final class SealedExecutable {
    private static final int MFD_CLOEXEC = 0x1;
    private static final int MFD_ALLOW_SEALING = 0x2;
    /** Linux 6.3+: executable even where vm.memfd_noexec makes memfds non-executable by default. */
    private static final int MFD_EXEC = 0x10;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_GET_SEALS = 1034;
    /** F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: what crun and runc require, exactly. */
    static final int SEALS = 0x1 | 0x2 | 0x4 | 0x8;
    private static final MethodHandle FCNTL = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("fcntl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));

    private final Path source;
    private volatile Copy copy;

    private record Copy(int fd, Path path, Object fileKey, long modified, long size) {}

    private SealedExecutable(Path source, Copy copy) {
        this.source = source;
        this.copy = copy;
    }

    /** A sealed copy of {@code binary}; {@link #path} falls back to the binary itself when one cannot be made. */
    public static SealedExecutable of(Path binary) {
        return new SealedExecutable(binary, tryCopy(binary));
    }

    /** The path to execute: the sealed copy (made again if the file changed), or the original file. */
    public Path path() {
        Copy c = copy;
        try {
            BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
            if (c != null && Objects.equals(a.fileKey(), c.fileKey()) && a.lastModifiedTime().toMillis() == c.modified()
                    && a.size() == c.size()) {
                return c.path();
            }
        } catch (IOException e) {
            return c != null ? c.path() : source;
        }
        synchronized (this) {
            if (copy == c) {
                // the old copy stays open: a conmon spawned a moment ago may still be about to run it
                copy = tryCopy(source);
            }
            return copy != null ? copy.path() : source;
        }
    }

    /** True when {@link #path} runs a sealed copy rather than the file on disk. */
    public boolean sealed() {
        return copy != null;
    }

    /** The seals of the current copy (tests); -1 without one. */
    int seals() throws IOException {
        Copy c = copy;
        return c == null ? -1 : fcntl(c.fd(), F_GET_SEALS, 0);
    }

    private static Copy tryCopy(Path binary) {
        try {
            BasicFileAttributes a = Files.readAttributes(binary, BasicFileAttributes.class);
            byte[] content = Files.readAllBytes(binary);
            int fd = memfd(binary.getFileName().toString());
            try {
                Processes.write(fd, content);
                if (fcntl(fd, F_ADD_SEALS, SEALS) != 0 || fcntl(fd, F_GET_SEALS, 0) != SEALS) {
                    throw new IOException("cannot seal the copy");
                }
            } catch (IOException | RuntimeException e) {
                Processes.close(fd);
                throw e;
            }
            return new Copy(fd, Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd), a.fileKey(),
                    a.lastModifiedTime().toMillis(), content.length);
        } catch (IOException | RuntimeException e) {
            return null; // the runtime then re-executes itself from its own copy, as it does for everyone
        }
    }

    private static int memfd(String name) throws IOException {
        try {
            return Processes.memfd(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        } catch (Libc.ErrnoException e) {
            if (e.errno() != Libc.EINVAL) {
                throw e;
            }
            return Processes.memfd(name, MFD_CLOEXEC | MFD_ALLOW_SEALING); // before Linux 6.3: no MFD_EXEC, memfds are executable
        }
    }

    private static int fcntl(int fd, int cmd, int arg) throws IOException {
        try {
            return (int) FCNTL.invokeExact(fd, cmd, arg);
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
