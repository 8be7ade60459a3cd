package dev.berth.api.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves a {@link Router} over HTTP/1.1 on unix sockets and TCP, one virtual thread per connection
 * (blocking code in handlers is fine). Failures to listen are {@link UncheckedIOException}s.
 */
public final class HttpServer implements AutoCloseable {
    private final Router router;
    private final List<ServerSocketChannel> listeners = new CopyOnWriteArrayList<>();
    private final List<Path> socketFiles = new CopyOnWriteArrayList<>();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public HttpServer(Router router) {
        this.router = router;
    }

    /**
     * Listens on a unix socket: creates the parent directory, replaces a stale socket file (refusing
     * one a live server still answers on) and sets the file's mode, e.g. {@code 0660}.
     */
    public void listenUnix(Path socket, int mode) {
        try {
            if (socket.getParent() != null) {
                Files.createDirectories(socket.getParent());
            }
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
            if (Files.exists(socket)) {
                if (answers(address)) {
                    throw new IOException("another server is listening on " + socket);
                }
                Files.delete(socket);
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(address);
            socketFiles.add(socket);
            Files.setPosixFilePermissions(socket, permissions(mode));
            start(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + socket, e);
        }
    }

    /** Listens on TCP (plain HTTP). Port 0 picks a free port; see {@link #addresses()}. */
    public void listenTcp(InetSocketAddress address) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(address);
            start(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address, e);
        }
    }

    /** The addresses actually bound, in the order they were added. */
    public List<SocketAddress> addresses() {
        List<SocketAddress> out = new ArrayList<>();
        for (ServerSocketChannel s : listeners) {
            try {
                out.add(s.getLocalAddress());
            } catch (IOException e) {
                // closed: no longer an address
            }
        }
        return out;
    }

    /** Stops listening, removes the socket files and closes open connections (hijacked ones too). */
    @Override
    public void close() {
        closed = true;
        for (ServerSocketChannel s : listeners) {
            closeQuietly(s);
        }
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // a leftover socket file is replaced by the next listenUnix
            }
        }
        for (SocketChannel c : connections) {
            closeQuietly(c);
        }
    }

    private void start(ServerSocketChannel server) {
        listeners.add(server);
        // a platform, non-daemon thread: a listening server keeps the JVM alive
        Thread.ofPlatform().name("berth-http-accept").start(() -> acceptLoop(server));
    }

    private void acceptLoop(ServerSocketChannel server) {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed || !server.isOpen()) {
                    return;
                }
                System.err.println("berth-api: accept failed: " + e);
                continue;
            }
            connections.add(ch);
            if (closed) {
                closeQuietly(ch);
                return;
            }
            Runnable forget = () -> connections.remove(ch);
            Thread.ofVirtual().name("berth-http-conn").start(new Connection(ch, router, forget));
        }
    }

    private static boolean answers(UnixDomainSocketAddress address) {
        try (SocketChannel probe = SocketChannel.open(address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }
}
