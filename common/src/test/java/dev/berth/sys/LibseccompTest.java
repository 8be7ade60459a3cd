package dev.berth.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** libseccomp is on every host berth supports (crun and runc link it); make run installs crun. */
class LibseccompTest {
    private static Libseccomp.Filter allowBut(List<Libseccomp.Rule> rules) {
        return new Libseccomp.Filter("SCMP_ACT_ALLOW", Optional.empty(), List.of("SCMP_ARCH_X86_64"), rules);
    }

    private static Libseccomp.Rule deny(String... names) {
        return new Libseccomp.Rule(List.of(names), "SCMP_ACT_ERRNO", Optional.of(1), List.of());
    }

    @Test
    void compilesAProgramOfWholeInstructionsThatDependsOnTheRules() throws IOException {
        assertThat(Libseccomp.available()).isTrue();
        byte[] none = Libseccomp.compile(allowBut(List.of()));
        byte[] mkdir = Libseccomp.compile(allowBut(List.of(deny("mkdir"))));
        assertThat(mkdir.length % 8).as("struct sock_filter is 8 bytes").isZero();
        assertThat(mkdir.length).isGreaterThan(none.length);
        assertThat(Libseccomp.compile(allowBut(List.of(deny("mkdir"))))).as("deterministic").isEqualTo(mkdir);
    }

    @Test
    void syscallsTheLibraryDoesNotKnowAreSkippedAsTheRuntimesDo() throws IOException {
        assertThat(Libseccomp.compile(allowBut(List.of(deny("mkdir", "no_such_syscall")))))
                .isEqualTo(Libseccomp.compile(allowBut(List.of(deny("mkdir")))));
    }

    @Test
    void aRuleRepeatingTheDefaultActionAddsNothing() throws IOException {
        var allow = new Libseccomp.Rule(List.of("read"), "SCMP_ACT_ALLOW", Optional.empty(), List.of());
        assertThat(Libseccomp.compile(allowBut(List.of(allow)))).isEqualTo(Libseccomp.compile(allowBut(List.of())));
    }

    @Test
    void comparisonsOfOneArgumentBecomeRulesOfTheirOwn() throws IOException {
        // Docker's profile allows personality(2) for three values of argument 0: ANDed they could
        // never match, and libseccomp refuses two comparisons of one argument in a rule.
        var args = List.of(new Libseccomp.Arg(0, 0, 0, "SCMP_CMP_EQ"), new Libseccomp.Arg(0, 8, 0, "SCMP_CMP_EQ"));
        var rule = new Libseccomp.Rule(List.of("personality"), "SCMP_ACT_ALLOW", Optional.empty(), args);
        var filter = new Libseccomp.Filter("SCMP_ACT_ERRNO", Optional.empty(), List.of("SCMP_ARCH_X86_64"), List.of(rule));
        var one = new Libseccomp.Rule(List.of("personality"), "SCMP_ACT_ALLOW", Optional.empty(), args.subList(0, 1));
        var onlyFirst = new Libseccomp.Filter("SCMP_ACT_ERRNO", Optional.empty(), List.of("SCMP_ARCH_X86_64"), List.of(one));
        assertThat(Libseccomp.compile(filter).length).isGreaterThan(Libseccomp.compile(onlyFirst).length);
    }

    @Test
    void badNamesAreRefusedWithTheName() {
        assertThatThrownBy(() -> Libseccomp.compile(new Libseccomp.Filter("SCMP_ACT_NOPE", Optional.empty(), List.of(), List.of())))
                .isInstanceOf(IOException.class).hasMessageContaining("SCMP_ACT_NOPE");
        assertThatThrownBy(() -> Libseccomp.compile(allowBut(List.of(new Libseccomp.Rule(List.of("read"), "SCMP_ACT_ERRNO",
                Optional.empty(), List.of(new Libseccomp.Arg(0, 1, 0, "SCMP_CMP_ALMOST")))))))
                .isInstanceOf(IOException.class).hasMessageContaining("SCMP_CMP_ALMOST");
        assertThatThrownBy(() -> Libseccomp.compile(new Libseccomp.Filter("SCMP_ACT_ALLOW", Optional.empty(),
                List.of("SCMP_ARCH_PDP11"), List.of()))).isInstanceOf(IOException.class).hasMessageContaining("SCMP_ARCH_PDP11");
    }
}
