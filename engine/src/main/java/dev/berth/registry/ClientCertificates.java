package dev.berth.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * TLS client certificates from Docker's certs.d layout: each {@code <name>.cert} (PEM, the leaf
 * first) goes with {@code <name>.key} (PEM: PKCS#8, or the PKCS#1 RSA and SEC1 EC forms openssl
 * also writes). One without the other is an error naming the file, as in Docker.
 */
final class ClientCertificates {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private ClientCertificates() {}

    /** Key managers for the pairs in {@code dir}, or null when there are none. */
    static KeyManager[] in(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".key") && !Files.exists(dir.resolve(name.substring(0, name.length() - 4) + ".cert"))) {
                    throw new IOException("missing client certificate " + name.substring(0, name.length() - 4) + ".cert for key " + f);
                }
                if (!name.endsWith(".cert")) {
                    continue;
                }
                Path keyFile = dir.resolve(name.substring(0, name.length() - 5) + ".key");
                if (!Files.exists(keyFile)) {
                    throw new IOException("missing key " + keyFile.getFileName() + " for client certificate " + f);
                }
                Certificate[] chain;
                try (InputStream in = Files.newInputStream(f)) {
                    chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(Certificate[]::new);
                }
                if (chain.length == 0) {
                    throw new IOException("no certificate in " + f);
                }
                ks.setKeyEntry("client-" + n++, privateKey(keyFile), NO_PASSWORD, chain);
            }
            if (n == 0) {
                return null;
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("client certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        Matcher m = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            byte[] pkcs8 = switch (m.group(1)) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> wrap(RSA_ALGORITHM, der);
                case "EC PRIVATE KEY" -> wrap(ecAlgorithm(der, file), der);
                case "EC PARAMETERS" -> null; // openssl's ecparam output puts these before the key
                default -> throw new IOException("unsupported key type " + m.group(1) + " in " + file);
            };
            if (pkcs8 == null) {
                continue;
            }
            for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } catch (GeneralSecurityException wrongType) {
                    // try the next algorithm
                }
            }
            throw new IOException("unreadable private key in " + file);
        }
        throw new IOException("no PEM private key in " + file);
    }

    // ---- DER: just enough to turn PKCS#1 and SEC1 keys into PKCS#8 ----

    /** AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
        0x01, 0x01, 0x01, 0x05, 0x00};
    /** OID 1.2.840.10045.2.1 (id-ecPublicKey), DER-encoded with its tag. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** PrivateKeyInfo { version 0, algorithm, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        return tlv(0x30, concat(version, algorithm, tlv(0x04, key)));
    }

    /** AlgorithmIdentifier { id-ecPublicKey, the curve named in the SEC1 key's [0] parameters }. */
    private static byte[] ecAlgorithm(byte[] sec1, Path file) throws IOException {
        int[] seq = header(sec1, 0); // ECPrivateKey SEQUENCE
        int pos = seq[0];
        while (pos < sec1.length) {
            int tag = sec1[pos] & 0xff;
            int[] h = header(sec1, pos);
            if (tag == 0xa0) { // [0] parameters: the curve's OID
                byte[] oid = Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
                return tlv(0x30, concat(EC_PUBLIC_KEY, oid));
            }
            pos = h[0] + h[1];
        }
        throw new IOException("EC key without its curve in " + file + " (convert it: openssl pkcs8 -topk8 -nocrypt)");
    }

    /** {content start, content length} of the element at {@code pos}. */
    private static int[] header(byte[] der, int pos) throws IOException {
        if (pos + 2 > der.length) {
            throw new IOException("truncated DER");
        }
        int len = der[pos + 1] & 0xff;
        int start = pos + 2;
        if (len > 0x80) {
            int n = len & 0x7f;
            if (n > 3 || start + n > der.length) {
                throw new IOException("bad DER length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[start + i] & 0xff);
            }
            start += n;
        }
        if (start + len > der.length) {
            throw new IOException("truncated DER");
        }
        return new int[] {start, len};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
