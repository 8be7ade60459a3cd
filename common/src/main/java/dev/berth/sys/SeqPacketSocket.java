package dev.berth.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket, which the JDK does not offer: conmon's attach socket
 * is one. Each {@link #receive} returns one packet. Reads block: use a platform thread or accept
 * the pinning.
 */
public final class SeqPacketSocket implements AutoCloseable {
    private static final MethodHandle SOCKET = Libc.withErrno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = Libc.withErrno("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = Libc.withErrno("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = Libc.withErrno("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Libc.plain("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;

    private final int fd;
    private volatile boolean closed;

    private SeqPacketSocket(int fd) {
        this.fd = fd;
    }

    public static SeqPacketSocket connect(String path) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) {
            throw new IOException("unix socket path too long: " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            int fd = (int) SOCKET.invokeExact(cap, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new Libc.ErrnoException("socket", Libc.errno(cap));
            }
            MemorySegment addr = arena.allocate(110);
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(p, 0, addr, JAVA_BYTE, 2, p.length);
            int rc = (int) CONNECT.invokeExact(cap, fd, addr, 2 + p.length + 1);
            if (rc != 0) {
                int err = Libc.errno(cap);
                Processes.close(fd);
                throw new Libc.ErrnoException("connect " + path, err);
            }
            return new SeqPacketSocket(fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** One packet, or null at end of stream. */
    public byte[] receive() throws IOException {
        return Blocking.call(this::receiveHere);
    }

    private byte[] receiveHere() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment buf = arena.allocate(65536);
            while (true) {
                long n = (long) RECV.invokeExact(cap, fd, buf, 65536L, 0);
                if (n > 0) {
                    return buf.asSlice(0, n).toArray(JAVA_BYTE);
                }
                if (n == 0) {
                    return null;
                }
                int err = Libc.errno(cap);
                if (err != Libc.EINTR) {
                    if (closed) {
                        return null;
                    }
                    throw new Libc.ErrnoException("recv", err);
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public void send(byte[] data, int off, int len) throws IOException {
        Blocking.call(() -> {
            sendHere(data, off, len);
            return null;
        });
    }

    private void sendHere(byte[] data, int off, int len) throws IOException {
        // conmon reads at most 8 KiB per packet from an attach client.
        int chunk = 8192;
        for (int i = off; i < off + len; i += chunk) {
            byte[] part = Arrays.copyOfRange(data, i, Math.min(off + len, i + chunk));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cap = Libc.newCapture(arena);
                MemorySegment buf = arena.allocateFrom(JAVA_BYTE, part);
                long n = (long) SEND.invokeExact(cap, fd, buf, (long) part.length, MSG_NOSIGNAL);
                if (n < 0) {
                    throw new Libc.ErrnoException("send", Libc.errno(cap));
                }
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException(t);
            }
        }
    }

    /** Half-close: the peer sees end of input (conmon then closes the container's stdin). */
    public void shutdownOutput() {
        try {
            int ignored = (int) SHUTDOWN.invokeExact(fd, SHUT_WR);
        } catch (Throwable ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                int ignored = (int) SHUTDOWN.invokeExact(fd, SHUT_RDWR);
            } catch (Throwable ignored) {
                // best effort
            }
            Processes.close(fd);
        }
    }
}
