package dev.berth.it;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds OCI image layouts in code: small tar layers (plain, gzip, zstd), configs, manifests, indexes. */
final class TestImages {
    private TestImages() {}

    record Layer(String mediaType, byte[] blob, String diffId) {}

    record Image(String manifestDigest, byte[] manifest, String configDigest) {}

    static String sha256(byte[] b) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] tar(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
            for (var e : files.entrySet()) {
                byte[] c = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(c.length);
                te.setMode(0100644);
                te.setModTime(1_700_000_000_000L);
                t.putArchiveEntry(te);
                t.write(c);
                t.closeArchiveEntry();
            }
        }
        return bo.toByteArray();
    }

    static Layer plain(byte[] tar) {
        return new Layer("application/vnd.oci.image.layer.v1.tar", tar, sha256(tar));
    }

    static Layer gzip(byte[] tar) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(tar);
        }
        return new Layer("application/vnd.oci.image.layer.v1.tar+gzip", bo.toByteArray(), sha256(tar));
    }

    static Layer zstd(byte[] tar) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(bo)) {
            z.write(tar);
        }
        return new Layer("application/vnd.oci.image.layer.v1.tar+zstd", bo.toByteArray(), sha256(tar));
    }

    /** Writes an image's blobs into {@code layout} and returns its manifest. */
    static Image image(Path layout, String arch, List<Layer> layers) throws IOException {
        List<String> diffIds = new ArrayList<>();
        StringBuilder ls = new StringBuilder();
        for (Layer l : layers) {
            diffIds.add("\"" + l.diffId() + "\"");
            if (ls.length() > 0) ls.append(',');
            ls.append(descriptor(l.mediaType(), l.blob()));
            blob(layout, l.blob());
        }
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
                + "\"config\":{\"Cmd\":[\"sh\"],\"Env\":[\"PATH=/bin\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
                + String.join(",", diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        blob(layout, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", config) + ",\"layers\":[" + ls + "]}")
                .getBytes(StandardCharsets.UTF_8);
        blob(layout, manifest);
        return new Image(sha256(manifest), manifest, sha256(config));
    }

    /** index.json naming {@code top} (a manifest or an index blob) as {@code tag}. */
    static void index(Path layout, String tag, String mediaType, byte[] top) throws IOException {
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + mediaType
                + "\",\"digest\":\"" + sha256(top) + "\",\"size\":" + top.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    }

    /** An image index blob over {@code images} with their platforms (arch of each, linux). */
    static byte[] multiArch(Path layout, Map<String, Image> byArch) throws IOException {
        List<String> entries = new ArrayList<>();
        for (var e : new LinkedHashMap<>(byArch).entrySet()) {
            byte[] m = e.getValue().manifest();
            entries.add("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sha256(m) + "\",\"size\":"
                    + m.length + ",\"platform\":{\"architecture\":\"" + e.getKey() + "\",\"os\":\"linux\""
                    + (e.getKey().equals("arm64") ? ",\"variant\":\"v8\"" : "") + "}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        blob(layout, index);
        return index;
    }

    static String descriptor(String mediaType, byte[] b) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + sha256(b) + "\",\"size\":" + b.length + "}";
    }

    static void blob(Path layout, byte[] b) throws IOException {
        Path p = layout.resolve("blobs/sha256").resolve(sha256(b).substring(7));
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }
}
