package dev.berth.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * File syscalls the JDK does not offer: device nodes, owners and times of symlinks themselves,
 * binary extended attributes, and chmod with setuid/setgid/sticky bits. Every call that takes a
 * path acts on the path itself, never on a symlink's target, except {@link #chmod}, which the
 * caller must only use on non-symlinks (Linux cannot chmod a symlink).
 */
public final class FileSyscalls {
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int ENODATA = 61;
    public static final int ENOTSUP = 95;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final MethodHandle MKNOD = Libc.withErrno("mknod",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle LCHOWN = Libc.withErrno("lchown",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle CHMOD = Libc.withErrno("chmod",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LSETXATTR = Libc.withErrno("lsetxattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LGETXATTR = Libc.withErrno("lgetxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle UTIMENSAT = Libc.withErrno("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    private FileSyscalls() {}

    /** glibc's makedev: the 64-bit dev_t encoding of major and minor. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    /** mknod(2); {@code mode} includes the file type ({@link #S_IFCHR}, ...). */
    public static void mknod(Path path, int mode, long dev) throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            int rc = (int) MKNOD.invokeExact(cs, a.allocateFrom(path.toString()), mode, dev);
            check(rc, cs, "mknod " + path);
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lchown(2): changes the owner of the path itself, a symlink included. */
    public static void lchown(Path path, int uid, int gid) throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            int rc = (int) LCHOWN.invokeExact(cs, a.allocateFrom(path.toString()), uid, gid);
            check(rc, cs, "lchown " + path);
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** chmod(2) with all 12 mode bits (the JDK drops setuid, setgid and sticky). Not for symlinks. */
    public static void chmod(Path path, int mode) throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            int rc = (int) CHMOD.invokeExact(cs, a.allocateFrom(path.toString()), mode & 07777);
            check(rc, cs, "chmod " + path);
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lsetxattr(2) with a binary value. */
    public static void lsetxattr(Path path, String name, byte[] value) throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) LSETXATTR.invokeExact(cs, a.allocateFrom(path.toString()), a.allocateFrom(name), v,
                    (long) value.length, 0);
            check(rc, cs, "lsetxattr " + name + " on " + path);
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** lgetxattr(2); empty when the attribute is absent. */
    public static Optional<byte[]> lgetxattr(Path path, String name) throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            MemorySegment p = a.allocateFrom(path.toString());
            MemorySegment n = a.allocateFrom(name);
            // 64 KiB is the kernel's limit for one xattr value.
            MemorySegment buf = a.allocate(65536);
            long rc = (long) LGETXATTR.invokeExact(cs, p, n, buf, 65536L);
            if (rc < 0) {
                int errno = Libc.errno(cs);
                if (errno == ENODATA) {
                    return Optional.empty();
                }
                throw new Libc.ErrnoException("lgetxattr " + name + " on " + path, errno);
            }
            return Optional.of(buf.asSlice(0, rc).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** utimensat(2) with AT_SYMLINK_NOFOLLOW: sets atime and mtime of the path itself. */
    public static void lutimes(Path path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
            throws Libc.ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = Libc.newCapture(a);
            MemorySegment times = a.allocate(JAVA_LONG, 4);
            times.setAtIndex(JAVA_LONG, 0, atimeSec);
            times.setAtIndex(JAVA_LONG, 1, atimeNsec);
            times.setAtIndex(JAVA_LONG, 2, mtimeSec);
            times.setAtIndex(JAVA_LONG, 3, mtimeNsec);
            int rc = (int) UTIMENSAT.invokeExact(cs, AT_FDCWD, a.allocateFrom(path.toString()), times,
                    AT_SYMLINK_NOFOLLOW);
            check(rc, cs, "utimensat " + path);
        } catch (Libc.ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int rc, MemorySegment cs, String what) throws Libc.ErrnoException {
        if (rc != 0) {
            throw new Libc.ErrnoException(what, Libc.errno(cs));
        }
    }
}
