package dev.berth.container;

import dev.berth.sys.Blocking;
import dev.berth.sys.SeqPacketSocket;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One client attached to a container (or exec session) through conmon's attach socket: output
 * packets carry a leading pipe byte (2 stdout, 3 stderr); input is raw stdin.
 */
public final class AttachSession implements AutoCloseable {
    private static final int CONMON_STDOUT = 2;
    private static final int CONMON_STDERR = 3;
    /** conmon sends at most 8 KiB of output per packet, after the pipe byte. */
    private static final int PACKET_MAX = 8192 + 1;

    private final SeqPacketSocket socket;
    private final boolean wantStdout;
    private final boolean wantStderr;
    private final byte[] detachKeys;
    private volatile boolean detached;

    AttachSession(SeqPacketSocket socket, boolean wantStdout, boolean wantStderr, byte[] detachKeys) {
        this.socket = socket;
        this.wantStdout = wantStdout;
        this.wantStderr = wantStderr;
        this.detachKeys = detachKeys;
    }

    /**
     * Copies output to the sink until conmon closes the socket (the process ended) or the client
     * detached. The sink is flushed whenever no further packet is queued: a burst of output leaves in
     * large writes, a lone echo at once. Runs on a platform thread of its own for the session's life
     * (a virtual thread would hand every packet's blocking receive to another thread).
     */
    public void pumpOutput(StreamSink sink) throws IOException {
        Blocking.call(() -> {
            pump(sink);
            return null;
        });
    }

    private void pump(StreamSink sink) throws IOException {
        byte[] packet = new byte[PACKET_MAX];
        boolean unflushed = false;
        while (true) {
            int n = socket.receive(packet, false);
            if (n == SeqPacketSocket.NONE_READY) {
                if (unflushed) {
                    sink.flush();
                    unflushed = false;
                }
                n = socket.receive(packet, true);
            }
            if (n == SeqPacketSocket.END) {
                break;
            }
            if (n < 1) {
                continue;
            }
            int pipe = packet[0];
            int stream = pipe == CONMON_STDOUT && wantStdout ? StreamSink.STDOUT
                    : pipe == CONMON_STDERR && wantStderr ? StreamSink.STDERR : 0;
            if (stream != 0) {
                sink.write(stream, packet, 1, n - 1);
                unflushed = true;
            }
        }
        if (unflushed) {
            sink.flush();
        }
    }

    /**
     * Copies the client's stdin to the container until end of input (then half-closes, so conmon
     * closes the container's stdin unless told to keep it open) or until the detach key sequence.
     *
     * @return true if the client typed the detach keys
     */
    public boolean pumpInput(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        int matched = 0; // how many detach keys were seen in a row; held back until the sequence breaks
        int n;
        while ((n = in.read(buf)) > 0) {
            if (detachKeys.length == 0) {
                socket.send(buf, 0, n);
                continue;
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + detachKeys.length);
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b == detachKeys[matched]) {
                    if (++matched == detachKeys.length) {
                        if (out.size() > 0) {
                            socket.send(out.toByteArray(), 0, out.size());
                        }
                        detached = true;
                        close();
                        return true;
                    }
                    continue;
                }
                if (matched > 0) {
                    out.write(detachKeys, 0, matched);
                    matched = 0;
                    if (b == detachKeys[0]) {
                        matched = 1;
                        continue;
                    }
                }
                out.write(b);
            }
            if (out.size() > 0) {
                socket.send(out.toByteArray(), 0, out.size());
            }
        }
        socket.shutdownOutput();
        return false;
    }

    public boolean detached() {
        return detached;
    }

    @Override
    public void close() {
        socket.close();
    }

    /** Parses Docker's detach key spec: "ctrl-p,ctrl-q", letters, "ctrl-@", "ctrl-[" ... */
    public static byte[] parseDetachKeys(String spec) {
        if (spec == null || spec.isEmpty()) {
            return new byte[] {16, 17};
        }
        String[] keys = spec.split(",");
        byte[] out = new byte[keys.length];
        for (int i = 0; i < keys.length; i++) {
            String k = keys[i].trim();
            if (k.length() == 1) {
                out[i] = (byte) k.charAt(0);
            } else if (k.startsWith("ctrl-") && k.length() == 6) {
                char c = Character.toLowerCase(k.charAt(5));
                if (c >= 'a' && c <= 'z') {
                    out[i] = (byte) (c - 'a' + 1);
                } else {
                    int idx = "@[\\]^_".indexOf(k.charAt(5));
                    if (idx < 0) {
                        throw dev.berth.common.EngineException.invalid("Invalid detach keys (%s) provided", spec);
                    }
                    out[i] = (byte) (idx == 0 ? 0 : 27 + idx - 1);
                }
            } else {
                throw dev.berth.common.EngineException.invalid("Invalid detach keys (%s) provided", spec);
            }
        }
        return Arrays.copyOf(out, out.length);
    }
}
