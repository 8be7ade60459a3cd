package dev.berth.container;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.ObjIntConsumer;

/**
 * Learns of container exits from conmon's exit files ({@code exits/<id>} holding the exit code),
 * through inotify (WatchService), not by polling processes.
 */
final class ExitWatcher implements AutoCloseable {
    private final Path dir;
    private final ObjIntConsumer<String> onExit;
    private final WatchService watcher;
    private Thread thread;

    ExitWatcher(Path dir, ObjIntConsumer<String> onExit) throws IOException {
        this.dir = dir;
        this.onExit = onExit;
        this.watcher = dir.getFileSystem().newWatchService();
        // registered before any container starts, so no exit file can be missed
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("exit-watcher").start(this::loop);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.context() instanceof Path name) {
                        String id = name.toString();
                        if (id.startsWith(".") || id.length() != 64) {
                            continue; // conmon's temp file, or an exec session handled elsewhere
                        }
                        Path file = dir.resolve(name);
                        if (Files.exists(file)) {
                            int code = readCode(file);
                            Thread.ofVirtual().start(() -> onExit.accept(id, code));
                        }
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // shutting down
        }
    }

    static int readCode(Path file) {
        try {
            String s = Files.readString(file).strip();
            return s.isEmpty() ? 255 : Integer.parseInt(s);
        } catch (IOException | NumberFormatException e) {
            return 255;
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing at shutdown
        }
    }
}
