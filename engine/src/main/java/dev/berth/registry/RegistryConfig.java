package dev.berth.registry;

import dev.berth.common.EngineException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How berthd reaches registries (daemon.json {@code insecure-registries}, {@code registry-mirrors},
 * {@code max-concurrent-downloads}, {@code max-concurrent-uploads}, {@code max-download-attempts},
 * and berth's {@code certs-dir}).
 *
 * <p>Docker's rules, with one deliberate difference: a registry is insecure when its host:port or
 * host is listed, when its IP literal falls in a listed CIDR, or when it is on loopback
 * (127.0.0.0/8, ::1, {@code localhost}). Insecure registries are tried over HTTPS first and then
 * plain HTTP. Docker skips certificate verification for insecure registries even when
 * {@code certs.d/<host>} has a CA; berth verifies against that CA whenever one is there, since
 * putting it there says what the certificate should be. Host names are never resolved to decide
 * insecurity (Docker does a DNS lookup here; berth avoids surprise lookups).
 *
 * @param certsDir Docker's {@code /etc/docker/certs.d} layout: {@code <dir>/<host[:port]>/*.crt}
 * @param mirrors pull-through mirrors of Docker Hub, tried in order before it
 * @param uploadChunkSize blobs up to this size are pushed in one PUT, larger ones chunked
 * @param connectTimeout how long a TCP (and TLS) connection to a registry may take
 *     (daemon.json {@code registry-connect-timeout}, seconds; Docker dials for 30 s)
 * @param readTimeout how long a registry may stay silent: waiting for a response's headers, or
 *     between two reads of a body (daemon.json {@code registry-read-timeout}, seconds). A stalled
 *     download counts as a failed attempt and resumes with a Range request.
 */
public record RegistryConfig(Path certsDir, List<String> insecureRegistries, List<URI> mirrors,
                             int maxConcurrentDownloads, int maxConcurrentUploads, int maxDownloadAttempts,
                             long uploadChunkSize, Duration connectTimeout, Duration readTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Path DEFAULT_CERTS_DIR = Path.of("/etc/berth/certs.d");
    /** Docker Hub's API host; pulls of {@code docker.io/...} go there. */
    public static final String DOCKER_HUB_API = "registry-1.docker.io";
    /** Blobs larger than this are pushed in chunks of this size (PATCH with Content-Range). */
    public static final long DEFAULT_CHUNK = 64L << 20;

    public RegistryConfig {
        insecureRegistries = List.copyOf(insecureRegistries);
        mirrors = List.copyOf(mirrors);
        if (uploadChunkSize < 1 || maxConcurrentDownloads < 1 || maxConcurrentUploads < 1 || maxDownloadAttempts < 1) {
            throw EngineException.invalid("max-concurrent-downloads, max-concurrent-uploads and max-download-attempts must be at least 1");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw EngineException.invalid("registry-connect-timeout and registry-read-timeout must be at least 1 second");
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(DEFAULT_CERTS_DIR, List.of(), List.of(), 3, 5, 5, DEFAULT_CHUNK, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_READ_TIMEOUT);
    }

    /** Parses a {@code registry-mirrors} entry: an http(s) URL without path beyond {@code /}. */
    public static URI parseMirror(String s) {
        URI u;
        try {
            u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("invalid mirror: %s", s);
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw EngineException.invalid("invalid mirror: unsupported scheme %s in %s", u.getScheme(), s);
        }
        return u;
    }

    /** True if {@code host} ({@code host[:port]}) may be reached without verified TLS. */
    public boolean isInsecure(String host) {
        String h = hostOnly(host).toLowerCase(Locale.ROOT);
        List<String> all = new ArrayList<>(insecureRegistries);
        all.add("127.0.0.0/8");
        all.add("::1/128");
        if (h.equals("localhost")) {
            return true;
        }
        for (String entry : all) {
            String e = entry.toLowerCase(Locale.ROOT);
            e = e.replaceFirst("^https?://", "");
            if (e.equals(host.toLowerCase(Locale.ROOT)) || e.equals(h)) {
                return true;
            }
            if (e.contains("/") && isIpLiteral(h) && inCidr(h, e)) {
                return true;
            }
        }
        return false;
    }

    /** The directory of CA certificates for {@code host} ({@code host[:port]}), if present. */
    public Path certsFor(String host) {
        return certsDir.resolve(host);
    }

    static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            return end > 0 ? hostPort.substring(1, end) : hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && hostPort.indexOf(':') == colon ? hostPort.substring(0, colon) : hostPort;
    }

    private static boolean isIpLiteral(String h) {
        return h.matches("[0-9.]+") || h.contains(":");
    }

    static boolean inCidr(String ip, String cidr) {
        try {
            int slash = cidr.indexOf('/');
            byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            byte[] addr = InetAddress.getByName(ip).getAddress();
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            if (net.length != addr.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
