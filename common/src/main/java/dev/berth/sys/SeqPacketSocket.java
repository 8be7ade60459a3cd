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
 * is one. Each {@link #receive} returns one packet.
 */
public final class SeqPacketSocket implements AutoCloseable {
    /** {@link #receive} at end of stream. */
    public static final int END = -1;
    /** {@link #receive} told not to wait when no packet is queued. */
    public static final int NONE_READY = -2;

    private static final MethodHandle SOCKET = Libc.withErrno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = Libc.withErrno("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = Libc.withErrno("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SEND = Libc.withErrno("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Libc.withErrno("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SHUTDOWN = Libc.plain("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_DONTWAIT = 0x40;
    /** Larger than any packet conmon sends (8 KiB of output and the pipe byte). */
    private static final int RECEIVE_BUFFER = 65536;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;

    private final int fd;
    private volatile boolean closed;
    private MemorySegment receiveBuffer; // the reader's
    private MemorySegment receiveCapture;

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

    /** Two connected ends (socketpair(2)): a peer in the same process, as tests need. */
    public static SeqPacketSocket[] pair() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = Libc.newCapture(arena);
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            int rc = (int) SOCKETPAIR.invokeExact(cap, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
            if (rc != 0) {
                throw new Libc.ErrnoException("socketpair", Libc.errno(cap));
            }
            return new SeqPacketSocket[] {new SeqPacketSocket(fds.getAtIndex(JAVA_INT, 0)),
                new SeqPacketSocket(fds.getAtIndex(JAVA_INT, 1))};
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /**
     * Receives one packet into {@code dst} (the rest of a longer packet is dropped, as recv does) and
     * returns its length; {@link #END} at end of stream; with {@code wait} false, {@link #NONE_READY}
     * when no packet is queued. One reader at a time; it blocks the calling thread, so a reader of
     * many packets runs on a platform thread (a {@link Blocking} call around the whole loop).
     */
    public int receive(byte[] dst, boolean wait) throws IOException {
        if (receiveBuffer == null) {
            // one native buffer and errno capture for the socket's life, freed with it by the GC:
            // close() may run on another thread while a receive is under way
            Arena arena = Arena.ofAuto();
            receiveBuffer = arena.allocate(RECEIVE_BUFFER);
            receiveCapture = Libc.newCapture(arena);
        }
        int want = Math.min(dst.length, RECEIVE_BUFFER);
        try {
            while (true) {
                long n = (long) RECV.invokeExact(receiveCapture, fd, receiveBuffer, (long) want, wait ? 0 : MSG_DONTWAIT);
                if (n > 0) {
                    MemorySegment.copy(receiveBuffer, JAVA_BYTE, 0, dst, 0, (int) n);
                    return (int) n;
                }
                if (n == 0) {
                    return END;
                }
                int err = Libc.errno(receiveCapture);
                if (err == Libc.EAGAIN && !wait) {
                    return NONE_READY;
                }
                if (err != Libc.EINTR) {
                    if (closed) {
                        return END;
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
