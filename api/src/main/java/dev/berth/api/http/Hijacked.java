package dev.berth.api.http;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A connection that stopped speaking HTTP: a raw duplex byte pipe (attach, exec). Writes to
 * {@link #out()} go to the socket at once, without buffering.
 */
public interface Hijacked extends AutoCloseable {
    /** Bytes from the peer; closing it stops reading only. */
    InputStream in();

    /** Bytes to the peer; closing it is {@link #closeOutput()}. */
    OutputStream out();

    /** Half-closes: the peer reads end of stream while it can still send to us. Idempotent. */
    void closeOutput();

    /** Closes the connection in both directions. Idempotent; never throws. */
    @Override
    void close();
}
