package dev.berth.entropy;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandomSpi;
import java.util.Map;

/**
 * {@code SecureRandom.NativePRNGNonBlocking} read straight from {@code /dev/urandom}, as the SUN
 * provider's algorithm of that name does for {@code nextBytes} and {@code generateSeed}.
 *
 * <p>The JDK opens its first unix socket with {@code SecureRandom.getInstance("NativePRNGNonBlocking")}
 * (for names of auto-bound sockets, which the CLI never makes). Served by the SUN provider, that call
 * builds the provider's whole table of services and the OID registry, interpreted, on the path of every
 * CLI command (~7-9 ms of a {@code berth ps}). Listed first in the CLI runtime's {@code java.security},
 * this provider answers it; every other algorithm still comes from SUN and the JDK providers after it.
 */
public final class URandomProvider extends Provider {
    /** The name the CLI runtime's {@code security.provider.1} gives. */
    public static final String NAME = "BerthURandom";
    static final String ALGORITHM = "NativePRNGNonBlocking";

    public URandomProvider() {
        super(NAME, "1", "SecureRandom." + ALGORITHM + " from /dev/urandom");
        putService(new Service(this, "SecureRandom", ALGORITHM, Spi.class.getName(), null,
                Map.of("ThreadSafe", "true")));
    }

    /** Each call reads the kernel's pool: nothing is kept between calls, so nothing needs a lock. */
    public static final class Spi extends SecureRandomSpi {
        private static final String SOURCE = "/dev/urandom";

        public Spi() {
        }

        /** The kernel's pool needs no seed from us; a caller's seed may only add to it, and ignoring it is allowed. */
        @Override
        protected void engineSetSeed(byte[] seed) {
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            try (InputStream in = new FileInputStream(SOURCE)) {
                if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) {
                    throw new ProviderException("short read from " + SOURCE);
                }
            } catch (IOException e) {
                throw new ProviderException("cannot read " + SOURCE, new UncheckedIOException(e));
            }
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] seed = new byte[numBytes];
            engineNextBytes(seed);
            return seed;
        }
    }
}
