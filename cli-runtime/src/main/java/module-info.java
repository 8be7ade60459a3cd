/**
 * What the berth CLI's linked Java runtime adds to java.base: a SecureRandom provider that answers the
 * first unix socket's {@code NativePRNGNonBlocking} without building the JDK's SUN provider (ADR 0014).
 * Exported because {@code java.security.Provider.Service} instantiates the SPI reflectively.
 */
module dev.berth.entropy {
    exports dev.berth.entropy;
    provides java.security.Provider with dev.berth.entropy.URandomProvider;
}
