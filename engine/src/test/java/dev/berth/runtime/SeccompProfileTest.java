package dev.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.common.EngineException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class SeccompProfileTest {
    private static final String PROFILE = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
               {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]},
                "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
               {"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "excludes": {"caps": ["CAP_SYS_CHROOT"]}}
             ]}""";

    @Test
    void rulesFollowCapabilitiesAndArchitecture() {
        SeccompProfile p = SeccompProfile.parse(PROFILE);
        ObjectNode plain = p.toOci(List.of("CAP_CHOWN"), "amd64");
        assertThat(plain.path("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(plain.path("defaultErrnoRet").asInt()).isEqualTo(38);
        assertThat(texts(plain.path("architectures"))).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(names(plain)).containsExactly("read", "write", "clone", "arch_prctl", "chroot");
        JsonNode clone = plain.path("syscalls").get(1);
        assertThat(clone.path("args").get(0).path("op").asString()).isEqualTo("SCMP_CMP_MASKED_EQ");
        assertThat(clone.path("args").get(0).has("valueTwo")).isFalse();
        assertThat(plain.path("syscalls").get(3).path("errnoRet").asInt()).isEqualTo(1);

        ObjectNode admin = p.toOci(List.of("CAP_SYS_ADMIN", "CAP_SYS_CHROOT"), "arm64");
        assertThat(texts(admin.path("architectures"))).containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
        assertThat(names(admin)).containsExactly("read", "write", "mount", "umount2");
    }

    @Test
    void malformedProfileIsTheClientsError() {
        assertThatThrownBy(() -> SeccompProfile.parse("{not json")).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("Decoding seccomp profile failed");
        assertThatThrownBy(() -> SeccompProfile.parse("{\"syscalls\": []}")).hasMessageContaining("no defaultAction");
    }

    private static List<String> names(JsonNode oci) {
        List<String> out = new ArrayList<>();
        oci.path("syscalls").forEach(r -> out.addAll(texts(r.path("names"))));
        return out;
    }

    private static List<String> texts(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(n -> out.add(n.asString()));
        return out;
    }
}
