package dev.berth.runtime;

import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.sys.Processes;
import dev.berth.sys.SealedExecutable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A thin driver for an OCI runtime binary (crun or runc; they share the command line). It holds no
 * state: the runtime's own state lives under {@link #stateRoot}. Every call has a deadline and
 * reports the runtime's stderr on failure.
 */
public final class OciRuntime {
    private static final long TIMEOUT_MILLIS = 30_000;
    private final String name;
    private final Path binary;
    private final Path stateRoot;
    private volatile SealedExecutable executable;

    public OciRuntime(String name, Path binary, Path stateRoot) {
        this.name = name;
        this.binary = binary;
        this.stateRoot = stateRoot;
    }

    /** Finds {@code crun} or {@code runc} on PATH. */
    public static OciRuntime find(String name, Path execRoot) {
        Path bin = Executables.find(name).orElseThrow(() -> EngineException.of(ErrorKind.INVALID_ARGUMENT,
                "unknown or invalid runtime name: %s", name));
        return new OciRuntime(name, bin, execRoot.resolve("runtime").resolve(name));
    }

    public String name() {
        return name;
    }

    public Path binary() {
        return binary;
    }

    /**
     * What to execute: the binary's sealed in-memory copy, so that the runtime does not copy and
     * re-execute itself at every call ({@link SealedExecutable}), or the binary itself.
     */
    public Path executable() {
        SealedExecutable e = executable;
        if (e == null) {
            synchronized (this) {
                if (executable == null) {
                    executable = SealedExecutable.of(binary);
                }
                e = executable;
            }
        }
        return e.path();
    }

    /**
     * True for crun, which loads a seccomp program handed over in the {@code run.oci.seccomp_bpf_data}
     * annotation instead of compiling the profile on every create (runc has no such annotation).
     */
    public boolean takesPrecompiledSeccomp() {
        return isCrun();
    }

    /** The global arguments conmon passes before the sub-command. */
    public List<String> globalArgs() {
        return List.of("--root=" + stateRoot);
    }

    /**
     * Starts a created container. For crun this is what {@code crun start} itself does, without
     * its process: the container's init blocks reading {@code exec.fifo} in the container's state
     * directory; opening it for writing, unlinking it and writing one byte lets the init exec the
     * process (crun's libcrun_status_write_exec_fifo; berth's specs have no poststart hooks and no
     * notify socket, the only other things crun's start handles). If the fifo is not there or no
     * init waits on it, {@code crun start} runs and reports what is wrong.
     */
    public void start(String id) {
        if (isCrun() && releaseExecFifo(stateRoot.resolve(id).resolve("exec.fifo"))) {
            return;
        }
        run("start", List.of("start", id));
    }

    private boolean isCrun() {
        return binary.getFileName().toString().equals("crun");
    }

    /** True if the init waiting on the fifo was let go. */
    static boolean releaseExecFifo(Path fifo) {
        int fd;
        try {
            // non-blocking: with no reader (the init died) open fails with ENXIO instead of waiting
            fd = Processes.open(fifo, Processes.O_WRONLY | Processes.O_NONBLOCK);
        } catch (IOException e) {
            return false;
        }
        try {
            Files.delete(fifo);
            Processes.write(fd, new byte[] {0});
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            Processes.close(fd);
        }
    }

    public void kill(String id, int signal, boolean all) {
        List<String> args = new ArrayList<>(List.of("kill"));
        if (all) {
            args.add("--all");
        }
        args.add(id);
        args.add(Integer.toString(signal));
        run("kill", args);
    }

    public void pause(String id) {
        run("pause", List.of("pause", id));
    }

    public void resume(String id) {
        run("resume", List.of("resume", id));
    }

    /** Deletes the runtime's record of the container; a container it does not know is fine. */
    public void delete(String id) {
        if (!java.nio.file.Files.exists(stateRoot.resolve(id))) {
            return; // the runtime holds no state for it: spare a process start (run --rm used to spawn three)
        }
        try {
            run("delete", List.of("delete", "--force", id));
        } catch (EngineException e) {
            if (!e.getMessage().contains("does not exist") && !e.getMessage().contains("not exist")) {
                throw e;
            }
        }
    }

    /** Ids of the containers the runtime keeps state for (the entries of its state root). */
    public List<String> containerIds() {
        try (var entries = Files.list(stateRoot)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of(); // no state root yet
        }
    }

    /** The runtime's JSON state of the container, or null if it does not know it. */
    public String state(String id) {
        try {
            return run("state", List.of("state", id));
        } catch (EngineException e) {
            return null;
        }
    }

    private String run(String what, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable().toString());
        cmd.addAll(globalArgs());
        cmd.addAll(args);
        try {
            Files.createDirectories(stateRoot);
            Processes.Completed p = Processes.run(cmd, System.getenv(), TIMEOUT_MILLIS);
            if (p.timedOut()) {
                throw EngineException.of(ErrorKind.SYSTEM, "%s %s: timed out", name, what);
            }
            if (p.status() != 0) {
                throw EngineException.of(ErrorKind.SYSTEM, "%s %s %s failed: %s", name, what, args.getLast(), p.stderr().strip());
            }
            return p.stdout();
        } catch (IOException e) {
            throw EngineException.system(e, "%s %s: %s", name, what, e.getMessage());
        }
    }
}
