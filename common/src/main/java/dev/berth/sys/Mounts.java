package dev.berth.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** mount(2) and umount2(2). */
public final class Mounts {
    private static final MethodHandle MOUNT = Libc.withErrno("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = Libc.withErrno("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final int MNT_DETACH = 2;
    public static final long MS_RDONLY = 1;

    private Mounts() {}

    public static void mount(String source, Path target, String type, long flags, String data) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment options = data == null ? MemorySegment.NULL : arena.allocateFrom(data);
            int rc = (int) MOUNT.invokeExact(cap, arena.allocateFrom(source), arena.allocateFrom(target.toString()),
                    arena.allocateFrom(type), flags, options);
            if (rc != 0) {
                throw new Libc.ErrnoException("mount " + type + " on " + target, Libc.errno(cap));
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Unmounts; a target that is not mounted is not an error. */
    public static void unmount(Path target, int flags) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            int rc = (int) UMOUNT2.invokeExact(cap, arena.allocateFrom(target.toString()), flags);
            if (rc != 0) {
                int err = Libc.errno(cap);
                if (err == Libc.EINVAL || err == Libc.ENOENT) {
                    return;
                }
                throw new Libc.ErrnoException("umount " + target, err);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
