package dev.berth.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SSL contexts for registries: the system CAs plus {@code certs.d/<host>/*.crt}, or no verification;
 * either way with the client certificates of {@code certs.d/<host>} ({@link ClientCertificates}).
 */
final class Tls {
    private Tls() {}

    /** Trusts the JDK's CAs and every certificate in {@code *.crt} files of {@code dir} (if it exists). */
    static SSLContext verifying(Path dir) throws IOException {
        try {
            List<X509TrustManager> managers = new ArrayList<>();
            managers.add(defaultManager(null));
            if (Files.isDirectory(dir)) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                CertificateFactory cf = CertificateFactory.getInstance("X.509");
                int n = 0;
                try (var s = Files.newDirectoryStream(dir, "*.crt")) {
                    for (Path p : s) {
                        try (InputStream in = Files.newInputStream(p)) {
                            for (var c : cf.generateCertificates(in)) {
                                ks.setCertificateEntry("ca-" + n++, c);
                            }
                        }
                    }
                }
                if (n > 0) {
                    managers.addFirst(defaultManager(ks));
                }
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(ClientCertificates.in(dir), new TrustManager[] {new AnyOf(managers)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup for " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate and any host name: for insecure registries only (Docker still sends client certificates). */
    static SSLContext trustingAll(Path dir) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(ClientCertificates.in(dir), new TrustManager[] {new TrustAll()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509TrustManager defaultManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509TrustManager");
    }

    /** Trusts a chain if any delegate does (host names are still checked by the HTTP client). */
    private record AnyOf(List<X509TrustManager> delegates) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = null;
            for (X509TrustManager d : delegates) {
                try {
                    d.checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last != null ? last : new CertificateException("no trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegates.stream().flatMap(d -> java.util.Arrays.stream(d.getAcceptedIssuers())).toArray(X509Certificate[]::new);
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
