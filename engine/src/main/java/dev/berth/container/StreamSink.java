package dev.berth.container;

import java.io.IOException;

/** Receives a container's output, tagged with the stream it came from (1 stdout, 2 stderr). */
@FunctionalInterface
public interface StreamSink {
    int STDOUT = 1;
    int STDERR = 2;

    void write(int stream, byte[] data, int off, int len) throws IOException;

    /** Pushes out what was buffered; readers call it when they have nothing more for now. */
    default void flush() throws IOException {}
}
