package dev.berth.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The typed argument list of one conmon invocation (conmon 2.1, API version 1). {@link #argv}
 * is the only place that knows conmon's flag spelling. {@code syncLogAtExit}: whether conmon fsyncs
 * the log when the process ends, before it reports the exit (it writes the exit file after).
 */
public record ConmonArgs(
        Path conmon,
        String containerId,
        String cuuid,
        OciRuntime runtime,
        Path bundle,
        Path containerPidFile,
        Path conmonPidFile,
        String name,
        Path exitDir,
        Path socketDir,
        Optional<Path> logPath,
        long logSizeMax,
        boolean syncLogAtExit,
        boolean terminal,
        boolean stdin,
        boolean leaveStdinOpen,
        Optional<Path> execProcessSpec,
        boolean execAttach) {

    public List<String> argv() {
        List<String> a = new ArrayList<>();
        a.add(conmon.toString());
        a.add("--api-version");
        a.add("1");
        a.addAll(List.of("-c", containerId, "-u", cuuid, "-r", runtime.executable().toString(), "-b", bundle.toString()));
        a.addAll(List.of("-p", containerPidFile.toString(), "-P", conmonPidFile.toString(), "-n", name));
        a.addAll(List.of("--exit-dir", exitDir.toString(), "--socket-dir-path", socketDir.toString()));
        a.add("-l");
        a.add(logPath.map(p -> "k8s-file:" + p).orElse("none"));
        if (logSizeMax > 0) {
            a.addAll(List.of("--log-size-max", Long.toString(logSizeMax)));
        }
        if (!syncLogAtExit) {
            // conmon fsyncs the log before it writes the exit file, so the exit waits for the disk
            a.add("--no-sync-log");
        }
        a.addAll(List.of("--log-level", "warning"));
        for (String g : runtime.globalArgs()) {
            a.add("--runtime-arg");
            a.add(g);
        }
        if (terminal) {
            a.add("-t");
        }
        if (stdin) {
            a.add("-i");
        }
        if (leaveStdinOpen) {
            a.add("--leave-stdin-open");
        }
        execProcessSpec.ifPresent(spec -> {
            a.add("-e");
            a.add("--exec-process-spec");
            a.add(spec.toString());
        });
        if (execAttach) {
            a.add("--exec-attach");
        }
        return a;
    }
}
