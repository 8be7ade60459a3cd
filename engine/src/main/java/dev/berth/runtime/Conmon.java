package dev.berth.runtime;

import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.sys.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Launches conmon and speaks its pipe protocol: conmon reports on the "sync" pipe (fd 3) one JSON
 * line per event — the container's pid once the runtime created it, or -1 and the runtime's error;
 * for exec, later the exit code. conmon double-forks, so it outlives berthd.
 */
public final class Conmon {
    private static final long CREATE_DEADLINE_MS = 30_000;
    private static final int SIGKILL = 9;

    private Conmon() {}

    /** A running conmon whose sync pipe is still open (exec sessions read the exit code from it). */
    public static final class Session implements AutoCloseable {
        private final int syncFd;
        private final int startFd;
        private final int attachFd;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Session(int syncFd, int startFd, int attachFd) {
            this.syncFd = syncFd;
            this.startFd = startFd;
            this.attachFd = attachFd;
        }

        /** Next {"data": N, "message": ...} line on the sync pipe. */
        public SyncMessage nextSync(long deadlineMillis) throws IOException {
            return next(syncFd, deadlineMillis);
        }

        /** Waits for conmon's "attach socket ready" message (exec --exec-attach). */
        public void awaitAttachReady(long deadlineMillis) throws IOException {
            pending.reset();
            next(attachFd, deadlineMillis);
            pending.reset();
        }

        /** Lets conmon go on (the start pipe): first before it forks, then (exec attach) before exec. */
        public void signalStart() throws IOException {
            Processes.write(startFd, new byte[] {0});
        }

        private SyncMessage next(int fd, long deadlineMillis) throws IOException {
            long end = System.currentTimeMillis() + deadlineMillis;
            while (true) {
                byte[] buf = pending.toByteArray();
                for (int i = 0; i < buf.length; i++) {
                    if (buf[i] == '\n') {
                        String line = new String(buf, 0, i, StandardCharsets.UTF_8);
                        pending.reset();
                        pending.write(buf, i + 1, buf.length - i - 1);
                        JsonNode n = Json.MAPPER.readTree(line);
                        JsonNode data = n.has("data") ? n.get("data") : n.get("pid");
                        return new SyncMessage(data == null ? -1 : data.asInt(), n.has("message") ? n.get("message").asString() : null);
                    }
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0 || !Processes.pollIn(fd, left)) {
                    throw new IOException("conmon did not answer in time");
                }
                byte[] chunk = Processes.read(fd, 4096);
                if (chunk.length == 0) {
                    throw new IOException("conmon exited without reporting"
                            + (pending.size() > 0 ? ": " + pending.toString(StandardCharsets.UTF_8) : ""));
                }
                pending.write(chunk);
            }
        }

        @Override
        public void close() {
            Processes.close(syncFd);
            Processes.close(startFd);
            Processes.close(attachFd);
        }
    }

    /** One message of conmon's pipe protocol. */
    public record SyncMessage(int data, String message) {}

    /**
     * Spawns conmon with its sync pipe (and for exec with attach, the start and attach pipes) and
     * waits for the short-lived parent to exit. The returned session's pipes are open.
     */
    public static Session spawn(ConmonArgs args, Map<String, String> env, boolean withStartPipe) throws IOException {
        Launch launch = launch(args, env, withStartPipe);
        if (withStartPipe) {
            launch.session.signalStart();
        }
        launch.awaitParent();
        return launch.session;
    }

    private static Launch launch(ConmonArgs args, Map<String, String> env, boolean withStartPipe) throws IOException {
        Files.createDirectories(args.exitDir());
        Files.createDirectories(args.socketDir());
        int[] sync = Processes.pipe();
        int[] start = withStartPipe ? Processes.pipe() : new int[] {-1, -1};
        int[] attach = args.execAttach() ? Processes.pipe() : new int[] {-1, -1};
        Map<String, String> childEnv = new HashMap<>(env);
        Map<Integer, Integer> fds = new HashMap<>();
        fds.put(3, sync[1]);
        childEnv.put("_OCI_SYNCPIPE", "3");
        if (withStartPipe) {
            fds.put(4, start[0]);
            childEnv.put("_OCI_STARTPIPE", "4");
        }
        if (args.execAttach()) {
            fds.put(5, attach[1]);
            childEnv.put("_OCI_ATTACHPIPE", "5");
        }
        int pid;
        try {
            pid = Processes.spawn(args.argv(), childEnv, fds);
        } catch (IOException | RuntimeException e) {
            Processes.close(sync[0]);
            Processes.close(start[1]);
            Processes.close(attach[0]);
            throw e;
        } finally {
            Processes.close(sync[1]);
            Processes.close(start[0]);
            Processes.close(attach[1]);
        }
        return new Launch(pid, new Session(sync[0], start[1], attach[0]));
    }

    /**
     * A conmon that is starting up (loading its libraries, opening the container's log) but waits
     * on its start pipe before it runs the runtime's create: the caller prepares the bundle
     * meanwhile, then {@link #create}s, or {@link #abort}s if the preparation failed.
     */
    public static final class Launch {
        private final int pid;
        private final Session session;

        private Launch(int pid, Session session) {
            this.pid = pid;
            this.session = session;
        }

        /**
         * Lets conmon run the runtime's create on the bundle, now complete; returns the container's
         * pid once created (not yet started). The pipes are closed on return.
         */
        public int create() {
            try (session) {
                session.signalStart();
                awaitParent();
                SyncMessage m = session.nextSync(CREATE_DEADLINE_MS);
                if (m.data() <= 0) {
                    throw EngineException.of(ErrorKind.SYSTEM, "OCI runtime create failed: %s",
                            m.message() == null ? "unknown error" : m.message().strip());
                }
                return m.data();
            } catch (IOException e) {
                throw EngineException.system(e, "OCI runtime create failed: %s", e.getMessage());
            }
        }

        /** Kills the waiting conmon (it has started nothing yet) and closes its pipes. */
        public void abort() {
            Processes.kill(pid, SIGKILL);
            try {
                Processes.waitpid(pid);
            } catch (IOException ignored) {
                // already reaped
            }
            session.close();
        }

        private void awaitParent() throws IOException {
            int parentStatus = Processes.waitpid(pid);
            if (parentStatus != 0) {
                session.close();
                throw new IOException("conmon exited with status " + parentStatus);
            }
        }
    }

    /**
     * Starts conmon for a container's create; it waits until {@link Launch#create}. Spawning it
     * before the bundle is ready lets its start-up overlap berthd's preparation.
     */
    public static Launch launchCreate(ConmonArgs args, Map<String, String> env) throws IOException {
        return launch(args, env, true);
    }
}
