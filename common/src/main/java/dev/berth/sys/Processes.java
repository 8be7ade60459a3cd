package dev.berth.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Process and file-descriptor syscalls the JVM does not expose: spawning a child with extra file
 * descriptors (conmon's sync, start and attach pipes), pipes, poll with a deadline, kill.
 *
 * <p>Calls that can block (waitpid, poll, read) run through {@link Blocking}, so a virtual thread
 * waiting on a child never pins its carrier.
 */
public final class Processes {
    private static final MethodHandle SPAWN = Libc.plain("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT = Libc.plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY = Libc.plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DUP2 = Libc.plain("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_OPEN = Libc.plain("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_CLOSEFROM = Libc.plain("posix_spawn_file_actions_addclosefrom_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_INIT = Libc.plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = Libc.plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_FLAGS = Libc.plain("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SIGMASK = Libc.plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SIGDEFAULT = Libc.plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = Libc.plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = Libc.plain("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle WAITPID = Libc.withErrno("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle KILL = Libc.withErrno("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = Libc.withErrno("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle MEMFD_CREATE = Libc.withErrno("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle READ = Libc.withErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Libc.withErrno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.plain("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = Libc.withErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = Libc.withErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final int O_CLOEXEC = 0x80000;
    private static final int MFD_CLOEXEC = 1;
    private static final int SIGKILL = 9;
    private static final int O_RDWR = 2;
    public static final short POLLIN = 0x1;
    public static final int O_WRONLY = 1;
    public static final int O_NONBLOCK = 0x800;

    private Processes() {}

    /**
     * Spawns {@code argv[0]} (an absolute path) with the given environment. The child's stdin,
     * stdout and stderr are /dev/null; {@code extraFds} maps child fd numbers (3, 4, ...) to fds of
     * this process. Every other fd is closed in the child, so nothing of the JVM leaks into
     * long-lived children such as conmon. Returns the child's pid; the caller must {@link #waitpid}.
     */
    public static int spawn(List<String> argv, Map<String, String> env, Map<Integer, Integer> extraFds) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fa = arena.allocate(256);
            MemorySegment attr = arena.allocate(512);
            MemorySegment sigs = arena.allocate(128);
            check("posix_spawn_file_actions_init", (int) FA_INIT.invokeExact(fa));
            check("posix_spawnattr_init", (int) ATTR_INIT.invokeExact(attr));
            try {
                MemorySegment devnull = arena.allocateFrom("/dev/null");
                for (int fd = 0; fd <= 2; fd++) {
                    check("addopen", (int) FA_OPEN.invokeExact(fa, fd, devnull, O_RDWR, 0));
                }
                int highest = 2;
                for (var e : extraFds.entrySet()) {
                    check("adddup2", (int) FA_DUP2.invokeExact(fa, (int) e.getValue(), (int) e.getKey()));
                    highest = Math.max(highest, e.getKey());
                }
                check("addclosefrom", (int) FA_CLOSEFROM.invokeExact(fa, highest + 1));
                // The JVM blocks and handles signals its own way; the child starts with a clean slate.
                check("sigemptyset", (int) SIGEMPTYSET.invokeExact(sigs));
                check("setsigmask", (int) ATTR_SIGMASK.invokeExact(attr, sigs));
                MemorySegment all = arena.allocate(128);
                check("sigfillset", (int) SIGFILLSET.invokeExact(all));
                check("setsigdefault", (int) ATTR_SIGDEFAULT.invokeExact(attr, all));
                check("setflags", (int) ATTR_FLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));

                MemorySegment argvArr = stringArray(arena, argv);
                MemorySegment envArr = stringArray(arena, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                MemorySegment pid = arena.allocate(JAVA_INT);
                int rc = (int) SPAWN.invokeExact(pid, arena.allocateFrom(argv.getFirst()), fa, attr, argvArr, envArr);
                if (rc != 0) {
                    throw new Libc.ErrnoException("spawn " + argv.getFirst(), rc);
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignored = (int) FA_DESTROY.invokeExact(fa);
                ignored = (int) ATTR_DESTROY.invokeExact(attr);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("spawn " + argv.getFirst(), t);
        }
    }

    /** What a finished short-lived command left: its exit status (128+signal if killed) and output. */
    public record Completed(int status, String stdout, String stderr, boolean timedOut) {}

    /**
     * Runs a short-lived command to completion, as {@link #spawn} does (no JVM helper process in
     * between, unlike ProcessBuilder), its output collected in memory files so neither stream can
     * fill up and block it. It is killed once {@code timeoutMillis} pass.
     */
    public static Completed run(List<String> argv, Map<String, String> env, long timeoutMillis) throws IOException {
        int out = memfd("stdout");
        int err = -1;
        try {
            err = memfd("stderr");
            int pid = spawn(argv, env, Map.of(1, out, 2, err));
            AtomicBoolean reaped = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS).execute(() -> {
                if (!reaped.get()) {
                    killed.set(kill(pid, SIGKILL));
                }
            });
            int status = waitpid(pid);
            reaped.set(true);
            return new Completed(status, contents(out), contents(err), killed.get());
        } finally {
            close(out);
            close(err);
        }
    }

    private static String contents(int fd) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/self/fd/" + fd)), StandardCharsets.UTF_8);
    }

    private static MemorySegment stringArray(Arena arena, List<String> strings) {
        MemorySegment arr = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            arr.setAtIndex(ADDRESS, i, arena.allocateFrom(strings.get(i), StandardCharsets.UTF_8));
        }
        arr.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return arr;
    }

    private static void check(String what, int rc) throws IOException {
        if (rc != 0) {
            throw new Libc.ErrnoException(what, rc);
        }
    }

    /** Waits for a child to end; returns its wait status decoded as a shell would (128+signal). */
    public static int waitpid(int pid) throws IOException {
        return Blocking.call(() -> waitpidHere(pid));
    }

    private static int waitpidHere(int pid) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                int rc = (int) WAITPID.invokeExact(cap, pid, status, 0);
                if (rc == pid) {
                    int s = status.get(JAVA_INT, 0);
                    int sig = s & 0x7f;
                    return sig == 0 ? (s >> 8) & 0xff : 128 + sig;
                }
                int err = Libc.errno(cap);
                if (err != Libc.EINTR) {
                    throw new Libc.ErrnoException("waitpid " + pid, err);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Sends a signal; returns false if the process does not exist. */
    public static boolean kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            int rc = (int) KILL.invokeExact(cap, pid, signal);
            return rc == 0 || Libc.errno(cap) != Libc.ESRCH;
        } catch (Throwable t) {
            return false;
        }
    }

    /** True if a process with this pid exists (signal 0). */
    public static boolean alive(int pid) {
        return pid > 0 && kill(pid, 0);
    }

    /** A close-on-exec pipe: {@code [read, write]}. */
    public static int[] pipe() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int rc = (int) PIPE2.invokeExact(cap, fds, O_CLOEXEC);
            if (rc != 0) {
                throw new Libc.ErrnoException("pipe2", Libc.errno(cap));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** An anonymous in-memory file (close-on-exec), for APIs that write to a descriptor. */
    public static int memfd(String name) throws IOException {
        return memfd(name, MFD_CLOEXEC);
    }

    /** {@code memfd_create(name, flags)}; a failure is a {@link Libc.ErrnoException} with its errno. */
    static int memfd(String name, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            int fd = (int) MEMFD_CREATE.invokeExact(cap, arena.allocateFrom(name), flags);
            if (fd < 0) {
                throw new Libc.ErrnoException("memfd_create", Libc.errno(cap));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** open(2) with close-on-exec added; for files the JDK cannot open as asked (a fifo without blocking, say). */
    public static int open(Path path, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            int fd = (int) OPEN.invokeExact(cap, arena.allocateFrom(path.toString()), flags | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new Libc.ErrnoException("open " + path, Libc.errno(cap));
            }
            return fd;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing useful to do when close fails
        }
    }

    /**
     * Waits until fd is readable or the timeout passes; true if readable (or hung up). A negative
     * timeout, or one too long to express in nanoseconds, waits without limit.
     */
    public static boolean pollIn(int fd, long timeoutMillis) throws IOException {
        return Blocking.call(() -> pollInHere(fd, timeoutMillis));
    }

    private static boolean pollInHere(int fd, long timeoutMillis) throws IOException {
        boolean forever = timeoutMillis < 0 || timeoutMillis > Long.MAX_VALUE / 2_000_000L;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment pfd = arena.allocate(8);
            long deadline = forever ? 0 : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                pfd.set(JAVA_INT, 0, fd);
                pfd.set(JAVA_SHORT, 4, POLLIN);
                pfd.set(JAVA_SHORT, 6, (short) 0);
                long left = forever ? -1 : Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                int rc = (int) POLL.invokeExact(cap, pfd, 1L, (int) Math.min(left, Integer.MAX_VALUE));
                if (rc > 0) {
                    return true;
                }
                if (rc == 0) {
                    return false;
                }
                int err = Libc.errno(cap);
                if (err != Libc.EINTR) {
                    throw new Libc.ErrnoException("poll", err);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Reads up to {@code max} bytes; an empty array means end of file. */
    public static byte[] read(int fd, int max) throws IOException {
        return Blocking.call(() -> readHere(fd, max));
    }

    private static byte[] readHere(int fd, int max) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment buf = arena.allocate(max);
            while (true) {
                long n = (long) READ.invokeExact(cap, fd, buf, (long) max);
                if (n >= 0) {
                    return buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                }
                int err = Libc.errno(cap);
                if (err != Libc.EINTR) {
                    throw new Libc.ErrnoException("read", err);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public static void write(int fd, byte[] data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, data);
            long off = 0;
            while (off < data.length) {
                long n = (long) WRITE.invokeExact(cap, fd, buf.asSlice(off), (long) data.length - off);
                if (n < 0) {
                    int err = Libc.errno(cap);
                    if (err == Libc.EINTR) {
                        continue;
                    }
                    throw new Libc.ErrnoException("write", err);
                }
                off += n;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
