package dev.berth.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a seccomp filter to the classic BPF program the kernel loads, through the host's
 * libseccomp (the library crun and runc link). The rule semantics are the OCI runtime spec's
 * {@code linux.seccomp}: a default action, architectures, and per-syscall rules whose arguments
 * are ANDed unless one argument index repeats, in which case each comparison is a rule of its own
 * (libseccomp cannot AND two comparisons of one argument).
 */
public final class Libseccomp {
    /** One comparison of a syscall argument ({@code op} is an OCI name such as SCMP_CMP_MASKED_EQ). */
    public record Arg(int index, long value, long valueTwo, String op) {}

    /** One rule: {@code action} (SCMP_ACT_...) for the syscalls {@code names}, with optional errno and args. */
    public record Rule(List<String> names, String action, Optional<Integer> errnoRet, List<Arg> args) {}

    /** A whole filter as the OCI spec describes it. */
    public record Filter(String defaultAction, Optional<Integer> defaultErrnoRet, List<String> architectures, List<Rule> rules) {}

    private static final int EPERM = 1;
    private static final Map<String, Integer> OPERATORS = Map.of("SCMP_CMP_NE", 1, "SCMP_CMP_LT", 2, "SCMP_CMP_LE", 3,
            "SCMP_CMP_EQ", 4, "SCMP_CMP_GE", 5, "SCMP_CMP_GT", 6, "SCMP_CMP_MASKED_EQ", 7);
    /** struct scmp_arg_cmp: unsigned arg, enum op, uint64 datum_a, uint64 datum_b. */
    private static final long ARG_CMP_SIZE = 24;

    private static final Bindings LIB = Bindings.load();

    private Libseccomp() {}

    /** True when the host's libseccomp could be loaded. */
    public static boolean available() {
        return LIB != null;
    }

    /**
     * The BPF program for {@code filter}, byte for byte what the runtime would produce with the
     * same libseccomp. Unknown syscall names are skipped, as crun and runc do (a profile names
     * syscalls newer than the library).
     */
    public static byte[] compile(Filter filter) throws IOException {
        if (LIB == null) {
            throw new IOException("libseccomp.so.2 is not available");
        }
        int defaultAction = action(filter.defaultAction(), filter.defaultErrnoRet().orElse(EPERM));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = (MemorySegment) LIB.init.invokeExact(defaultAction);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new IOException("seccomp_init failed for default action " + filter.defaultAction());
            }
            try {
                for (String arch : filter.architectures()) {
                    addArch(ctx, arch, arena);
                }
                for (Rule rule : filter.rules()) {
                    addRule(ctx, rule, defaultAction, arena);
                }
                return export(ctx);
            } finally {
                LIB.release.invokeExact(ctx);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("libseccomp: " + t.getMessage(), t);
        }
    }

    private static void addArch(MemorySegment ctx, String arch, Arena arena) throws Throwable {
        String name = arch.startsWith("SCMP_ARCH_") ? arch.substring("SCMP_ARCH_".length()) : arch;
        int token = (int) LIB.archResolve.invokeExact(arena.allocateFrom(name.toLowerCase(Locale.ROOT)));
        if (token == 0) {
            throw new IOException("seccomp: unknown architecture " + arch);
        }
        int rc = (int) LIB.archAdd.invokeExact(ctx, token);
        if (rc < 0 && rc != -Libc.EEXIST) {
            throw new IOException("seccomp: adding architecture " + arch + ": " + Libc.strerror(-rc));
        }
    }

    private static void addRule(MemorySegment ctx, Rule rule, int defaultAction, Arena arena) throws Throwable {
        int action = action(rule.action(), rule.errnoRet().orElse(EPERM));
        if (action == defaultAction) {
            return; // libseccomp refuses a rule that repeats the default
        }
        boolean repeatedIndex = rule.args().stream().map(Arg::index).distinct().count() < rule.args().size();
        for (String name : rule.names()) {
            int nr = (int) LIB.resolveName.invokeExact(arena.allocateFrom(name));
            if (nr == -1) { // __NR_SCMP_ERROR: a syscall this libseccomp doesn't know
                continue;
            }
            if (rule.args().isEmpty()) {
                check((int) LIB.ruleAddArray.invokeExact(ctx, action, nr, 0, MemorySegment.NULL), name);
            } else if (!repeatedIndex) {
                check((int) LIB.ruleAddArray.invokeExact(ctx, action, nr, rule.args().size(), args(rule.args(), arena)), name);
            } else {
                for (Arg a : rule.args()) {
                    check((int) LIB.ruleAddArray.invokeExact(ctx, action, nr, 1, args(List.of(a), arena)), name);
                }
            }
        }
    }

    private static MemorySegment args(List<Arg> args, Arena arena) throws IOException {
        MemorySegment array = arena.allocate(ARG_CMP_SIZE * args.size(), 8);
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            Integer op = OPERATORS.get(a.op());
            if (op == null || a.index() < 0 || a.index() > 5) {
                throw new IOException("seccomp: invalid argument comparison " + a);
            }
            long base = i * ARG_CMP_SIZE;
            array.set(JAVA_INT, base, a.index());
            array.set(JAVA_INT, base + 4, op);
            array.set(JAVA_LONG, base + 8, a.value());
            array.set(JAVA_LONG, base + 16, a.valueTwo());
        }
        return array;
    }

    private static void check(int rc, String syscall) throws IOException {
        if (rc < 0) {
            throw new IOException("seccomp: adding a rule for " + syscall + ": " + Libc.strerror(-rc));
        }
    }

    /** libseccomp's action value for an OCI action name (seccomp.h's SCMP_ACT_* macros). */
    static int action(String name, int errno) throws IOException {
        return switch (name) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0x00000000;
            case "SCMP_ACT_KILL_PROCESS" -> 0x80000000;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_ERRNO" -> 0x00050000 | (errno & 0xffff);
            case "SCMP_ACT_TRACE" -> 0x7ff00000 | (errno & 0xffff);
            case "SCMP_ACT_LOG" -> 0x7ffc0000;
            case "SCMP_ACT_ALLOW" -> 0x7fff0000;
            case "SCMP_ACT_NOTIFY" -> 0x7fc00000;
            default -> throw new IOException("seccomp: unknown action " + name);
        };
    }

    /** seccomp_export_bpf writes to a descriptor: a memfd keeps the program off the disk. */
    private static byte[] export(MemorySegment ctx) throws Throwable {
        int fd = Processes.memfd("seccomp-bpf");
        try {
            int rc = (int) LIB.exportBpf.invokeExact(ctx, fd);
            if (rc < 0) {
                throw new IOException("seccomp_export_bpf: " + Libc.strerror(-rc));
            }
            return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
        } finally {
            Processes.close(fd);
        }
    }

    private record Bindings(MethodHandle init, MethodHandle release, MethodHandle archResolve, MethodHandle archAdd,
            MethodHandle resolveName, MethodHandle ruleAddArray, MethodHandle exportBpf) {
        static Bindings load() {
            try {
                SymbolLookup lib = SymbolLookup.libraryLookup("libseccomp.so.2", Arena.global());
                return new Bindings(
                        handle(lib, "seccomp_init", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                        handle(lib, "seccomp_release", FunctionDescriptor.ofVoid(ADDRESS)),
                        handle(lib, "seccomp_arch_resolve_name", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle(lib, "seccomp_arch_add", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                        handle(lib, "seccomp_syscall_resolve_name", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                        handle(lib, "seccomp_rule_add_array", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
                        handle(lib, "seccomp_export_bpf", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)));
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                return null; // no libseccomp on this host: the runtime compiles profiles itself
            }
        }

        private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor fd) {
            return Libc.LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd);
        }
    }
}
