package dev.berth.container;

import java.nio.file.Path;

/** Where a container's files live: persistent ones under the data root, sockets and pids under the exec root. */
public record ContainerPaths(Path dataRoot, Path execRoot) {
    public Path dir(String id) {
        return dataRoot.resolve("containers").resolve(id);
    }

    public Path upper(String id) {
        return dir(id).resolve("upper");
    }

    public Path work(String id) {
        return dir(id).resolve("work");
    }

    public Path rootfs(String id) {
        return dir(id).resolve("merged");
    }

    public Path log(String id) {
        return dir(id).resolve("container.log");
    }

    public Path exitDir() {
        return execRoot.resolve("exits");
    }

    /** Short, because conmon's attach socket path must fit in sockaddr_un. */
    public Path socketDir() {
        return execRoot.resolve("s");
    }

    public Path attachSocket(String id) {
        return socketDir().resolve(id.substring(0, 12)).resolve("attach");
    }

    public Path controlFifo(String id) {
        return dir(id).resolve("ctl");
    }

    public Path execDir(String id, String execId) {
        return dir(id).resolve("exec").resolve(execId);
    }
}
