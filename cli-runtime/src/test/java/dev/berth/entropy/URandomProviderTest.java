package dev.berth.entropy;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class URandomProviderTest {
    private final URandomProvider provider = new URandomProvider();

    @Test
    void answersTheAlgorithmTheFirstUnixSocketAsksFor() throws NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("NativePRNGNonBlocking", provider);
        assertThat(random.getProvider().getName()).isEqualTo("BerthURandom");
        assertThat(random.getAlgorithm()).isEqualTo("NativePRNGNonBlocking");
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        random.nextBytes(a);
        random.setSeed(42); // adds nothing, takes nothing away
        random.nextBytes(b);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[32]);
        assertThat(random.generateSeed(16)).hasSize(16).isNotEqualTo(new byte[16]);
    }

    @Test
    void offersNothingElse() {
        assertThat(provider.getServices()).hasSize(1);
        assertThat(provider.getService("SecureRandom", "SHA1PRNG")).isNull();
        assertThat(provider.getService("MessageDigest", "SHA-256")).isNull();
    }
}
