package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Flag parsing as docker/cli's pflag does it, and docker/cli's wording when it fails. */
class SpecTest {
    boolean all, detach, rm = false, tty, interactive;
    String name;
    int last = -1;
    long memory;
    final List<String> env = new ArrayList<>();
    List<String> args = List.of();

    Spec spec(boolean interspersed) {
        Spec s = new Spec("berth x").about("Test")
                .bool("-a, --all", "All", v -> all = v)
                .bool("-d, --detach", "Detach", v -> detach = v)
                .bool("-i, --interactive", "Stdin", v -> interactive = v)
                .bool("-t, --tty", "TTY", v -> tty = v)
                .bool("--rm", "Remove", v -> rm = v)
                .string("--name", "Name", v -> name = v)
                .integer("-n, --last", "Last", v -> last = v)
                .number("-m, --memory-bytes", "Memory", v -> memory = v)
                .list("-e, --env", "Env", env)
                .args("[ARG...]", 0, Spec.MANY, a -> args = a);
        return interspersed ? s : s.flagsBeforeArgs();
    }

    Spec parse(boolean interspersed, String... argv) {
        Spec s = spec(interspersed);
        s.parse(argv, 0);
        return s;
    }

    @Test
    void longFormsWithSpaceOrEquals() {
        parse(true, "--name", "web", "--last=3", "--rm", "--env", "A=1", "--env=B=2=3");
        assertThat(name).isEqualTo("web");
        assertThat(last).isEqualTo(3);
        assertThat(rm).isTrue();
        assertThat(env).containsExactly("A=1", "B=2=3");
    }

    @Test
    void shortFormsClusteredAndAttached() {
        parse(true, "-dit", "-eX=1", "-e=Y=2", "-e", "Z", "-an7", "-m", "-1");
        assertThat(detach).isTrue();
        assertThat(interactive).isTrue();
        assertThat(tty).isTrue();
        assertThat(all).isTrue();
        assertThat(env).containsExactly("X=1", "Y=2", "Z");
        assertThat(last).isEqualTo(7);
        assertThat(memory).as("a value flag takes the next word even when it starts with a dash").isEqualTo(-1);
    }

    @Test
    void booleansTakeAValueOnlyAfterEquals() {
        parse(true, "--rm=false", "-d=false", "true");
        assertThat(rm).isFalse();
        assertThat(detach).isFalse();
        assertThat(args).containsExactly("true");
    }

    @Test
    void interspersedUnlessTheCommandTakesACommandLine() {
        parse(true, "a", "-d", "b");
        assertThat(detach).isTrue();
        assertThat(args).containsExactly("a", "b");
        detach = false;
        parse(false, "-t", "busybox", "sh", "-c", "echo hi", "-d");
        assertThat(tty).isTrue();
        assertThat(detach).isFalse();
        assertThat(args).containsExactly("busybox", "sh", "-c", "echo hi", "-d");
    }

    @Test
    void doubleDashEndsFlagsAndALoneDashIsAnArgument() {
        parse(true, "-", "--", "-d", "--rm");
        assertThat(detach).isFalse();
        assertThat(args).containsExactly("-", "-d", "--rm");
    }

    @Test
    void helpIsRecognisedAnywhereBeforeTheArguments() {
        assertThat(parse(true, "a", "--help").helpRequested()).isTrue();
        assertThat(parse(true, "-h").helpRequested()).isTrue();
        assertThat(spec(true).usage()).contains("Usage:  berth x [OPTIONS] [ARG...]", "Test",
                "  -a, --all                ", "      --name string        Name", "  -e, --env list ");
    }

    @Test
    void errorsUseDockersWordingAndExitCodes() {
        assertThatThrownBy(() -> parse(true, "--nope")).isInstanceOfSatisfying(UsageException.class, e -> {
            assertThat(e.code()).isEqualTo(125);
            assertThat(e.render()).isEqualTo("unknown flag: --nope\n\nUsage:  berth x [OPTIONS] [ARG...]\n\n"
                    + "Run 'berth x --help' for more information");
        });
        assertThatThrownBy(() -> parse(true, "-dz")).hasMessage("unknown shorthand flag: 'z' in -dz");
        assertThatThrownBy(() -> parse(true, "--name")).hasMessage("flag needs an argument: --name");
        assertThatThrownBy(() -> parse(true, "-ae")).hasMessage("flag needs an argument: 'e' in -ae");
        assertThatThrownBy(() -> parse(true, "-n", "abc")).isInstanceOfSatisfying(UsageException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("invalid argument \"abc\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
            assertThat(e.render()).contains("Usage:  berth x");
        });
        assertThatThrownBy(() -> parse(true, "-n", "99999999999")).hasMessageEndingWith("value out of range");
        assertThatThrownBy(() -> parse(true, "--rm=maybe"))
                .hasMessage("invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
    }

    @Test
    void argumentCountsAsDockerWordsThem() {
        Spec none = new Spec("berth ps").about("List").args("", 0, 0, a -> {});
        assertThatThrownBy(() -> none.parse(new String[] {"a"}, 0)).isInstanceOfSatisfying(UsageException.class, e -> {
            assertThat(e.code()).isEqualTo(1);
            assertThat(e.render()).isEqualTo("berth: 'berth ps' accepts no arguments\n\nUsage:  berth ps\n\n"
                    + "Run 'berth ps --help' for more information");
        });
        Spec atLeast = new Spec("berth rm").bool("-f, --force", "Force", v -> {}).args("CONTAINER [CONTAINER...]", 1, Spec.MANY, a -> {});
        assertThatThrownBy(() -> atLeast.parse(new String[] {"-f"}, 0)).isInstanceOfSatisfying(UsageException.class,
                e -> assertThat(e.render()).isEqualTo("berth: 'berth rm' requires at least 1 argument\n\n"
                        + "Usage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information"));
        Spec exactly = new Spec("berth rename").args("CONTAINER NEW_NAME", 2, 2, a -> {});
        assertThatThrownBy(() -> exactly.parse(new String[] {"a"}, 0)).hasMessage("berth: 'berth rename' requires 2 arguments");
    }

    @Test
    void rootDispatchesAndPrintsHelpWithoutADaemon() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        var o = new java.io.PrintStream(out, true);
        var e = new java.io.PrintStream(err, true);
        var in = java.io.InputStream.nullInputStream();
        assertThat(BerthCli.execute(new String[] {"--help"}, in, o, e, java.util.Map.of())).isZero();
        assertThat(out.toString()).contains("Usage:  berth [OPTIONS] COMMAND", "  ps ", "List containers", "  container ");
        out.reset();
        assertThat(BerthCli.execute(new String[] {"container", "ls", "--help"}, in, o, e, java.util.Map.of())).isZero();
        assertThat(out.toString()).contains("Usage:  berth container ls [OPTIONS]", "-q, --quiet");
        assertThat(BerthCli.execute(new String[] {"frobnicate"}, in, o, e, java.util.Map.of())).isEqualTo(1);
        assertThat(err.toString()).contains("berth: unknown command: berth frobnicate");
        err.reset();
        assertThat(BerthCli.execute(new String[] {"ps", "--nope"}, in, o, e, java.util.Map.of())).isEqualTo(125);
        assertThat(err.toString()).startsWith("unknown flag: --nope\n\nUsage:  berth ps [OPTIONS]");
        out.reset();
        assertThat(BerthCli.execute(new String[] {"-v"}, in, o, e, java.util.Map.of())).isZero();
        assertThat(out.toString()).startsWith("berth version ");
    }
}
