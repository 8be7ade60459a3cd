package dev.berth.image;

import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Manifest;
import dev.berth.oci.MediaTypes;
import dev.berth.registry.Credentials;
import dev.berth.registry.RegistryClient;
import dev.berth.registry.RegistryConfig;
import dev.berth.registry.RegistryException;
import dev.berth.store.ContentStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.ImageStore.RefRow;
import dev.berth.store.LayerStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.zip.GZIPOutputStream;

/**
 * {@code docker push}: each layer is checked with {@code HEAD} and skipped if the registry has it,
 * mounted from another repository of the same registry where berth saw it, or uploaded
 * (monolithic, or chunked above the configured chunk size), {@code max-concurrent-uploads} at
 * once; then the config and the manifest (by tag). An image pulled from a registry is pushed with
 * its exact blobs and manifest, so its digest is unchanged; other images get gzip blobs made once
 * from their original layer tars (rebuilt from tar-split metadata, so the diff ids hold; the tree
 * re-archived only when that fails), remembered for later pushes.
 */
final class ImagePusher {
    private final LocalImageService images;
    private final DistributionStore dist;
    private final RegistryConfig config;

    ImagePusher(LocalImageService images, DistributionStore dist, RegistryConfig config) {
        this.images = images;
        this.dist = dist;
        this.config = config;
    }

    void push(String reference, boolean allTags, Credentials creds, Progress progress) {
        ImageReference ref = ImageReference.parse(reference);
        if (ref.digest().isPresent()) {
            throw EngineException.invalid("cannot push a digest reference");
        }
        List<ImageReference> tags = new ArrayList<>();
        if (allTags && ref.tag().isEmpty()) {
            images.db().read(c -> {
                for (RefRow r : images.imageStore().allRefs(c)) {
                    ImageReference local = ImageReference.parse(r.reference());
                    if (!r.digest() && local.name().equals(ref.name()) && local.tag().isPresent()) {
                        tags.add(local);
                    }
                }
                return null;
            });
        } else {
            ImageReference t = ref.withDefaultTag();
            boolean exists = images.db().read(c -> images.imageStore().resolveRef(c, t.toString()).isPresent());
            if (exists) {
                tags.add(t);
            }
        }
        if (tags.isEmpty()) {
            throw EngineException.notFound("An image does not exist locally with the tag: %s", ref.familiarName());
        }
        progress.status(null, "The push refers to repository [" + ref.name() + "]");
        try {
            for (ImageReference t : tags) {
                pushTag(t, creds, progress);
            }
        } catch (RegistryException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw EngineException.of(e.kind(), "%s", e.getMessage());
            }
            throw e;
        } catch (IOException e) {
            throw EngineException.system(e, "%s", e.getMessage());
        }
    }

    private record Layer(String diffId, Digest digest, String mediaType, long size, Optional<String> mountFrom, String tarDiffId) {}

    /** A layer planned to be mounted (berth never had its blob) that the registry would not mount. */
    private static final class NotMountable extends IOException {
        NotMountable(Digest digest, String from) {
            super("blob " + digest + " could not be mounted from " + from);
        }
    }

    /**
     * Pushes the manifest the image was pulled with when each of its blobs is here or was seen in
     * another repository of this registry (mounted from there; a pull that found a layer "Already
     * exists" never fetched its blob); if the registry refuses such a mount, pushes again from the
     * blobs that are here.
     */
    private void pushTag(ImageReference ref, Credentials creds, Progress progress) throws IOException {
        try {
            pushTag(ref, creds, progress, true);
        } catch (NotMountable e) {
            pushTag(ref, creds, progress, false);
        }
    }

    private void pushTag(ImageReference ref, Credentials creds, Progress progress, boolean mountUnfetched) throws IOException {
        ImageRow row = images.db().read(c -> images.findRow(c, ref.toString()));
        ImageConfig imageConfig = Json.read(row.config(), ImageConfig.class);
        List<String> diffIds = imageConfig.rootfs().diffIds();
        ContentStore content = images.content();
        String repository = ref.domain() + "/" + ref.path();

        // The manifest the image was pulled with, if its blobs are all here.
        Optional<Manifest> original = Optional.empty();
        byte[] manifestBytes = null;
        String manifestType = MediaTypes.DOCKER_MANIFEST;
        Optional<DistributionStore.ImageManifest> stored = dist.manifestOf(row.id());
        if (stored.isPresent() && content.exists(Digest.parse(stored.get().digest()))) {
            try (InputStream in = content.open(Digest.parse(stored.get().digest()))) {
                byte[] b = in.readAllBytes();
                Manifest m = Json.read(b, Manifest.class);
                if (m.layers().size() == diffIds.size() && m.config() != null
                        && m.config().digest().equals(Digest.sha256(row.config()).toString())
                        && allAvailable(m, diffIds, ref, repository, mountUnfetched)) {
                    original = Optional.of(m);
                    manifestBytes = b;
                    manifestType = stored.get().mediaType();
                }
            }
        }

        List<Layer> layers = new ArrayList<>();
        Set<String> extraScopes = new LinkedHashSet<>();
        images.gcLock().readLock().lock();
        try {
            List<String> chains = LayerStore.chainIds(diffIds);
            for (int i = 0; i < diffIds.size(); i++) {
                String diffId = diffIds.get(i);
                List<DistributionStore.LayerBlob> known = dist.blobsOf(diffId);
                DistributionStore.LayerBlob blob;
                if (original.isPresent()) {
                    Descriptor d = original.get().layers().get(i);
                    blob = new DistributionStore.LayerBlob(diffId, d.digest(), d.mediaType(), d.size(), "", diffId);
                } else {
                    blob = known.stream().filter(b -> content.exists(Digest.parse(b.digest()))).findFirst()
                            .orElse(null);
                    if (blob == null) {
                        blob = compress(diffId, chains.get(i));
                    }
                }
                String digest = blob.digest();
                Optional<String> from = known.stream()
                        .filter(b -> b.digest().equals(digest) && !b.repository().isEmpty()
                                && b.repository().startsWith(ref.domain() + "/") && !b.repository().equals(repository))
                        .map(b -> b.repository().substring(ref.domain().length() + 1)).findFirst();
                from.ifPresent(f -> extraScopes.add("repository:" + f + ":pull"));
                layers.add(new Layer(diffId, Digest.parse(digest), blob.mediaType(), blob.size(), from, blob.tarDiffId()));
            }
        } finally {
            images.gcLock().readLock().unlock();
        }

        RegistryClient client = RegistryClient.connect(config, ref.domain(), ref.path(), creds, List.of("pull", "push"),
                List.copyOf(extraScopes));
        for (Layer l : layers.reversed()) {
            progress.status(ImagePuller.shortId(l.diffId()), "Preparing");
        }
        Semaphore uploads = new Semaphore(config.maxConcurrentUploads());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (Layer l : layers.reversed()) {
                futures.add(pool.submit(() -> {
                    pushLayer(client, l, repository, uploads, progress);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(x -> x.cancel(true));
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("push cancelled");
                }
            }
        }
        byte[] configBytes = row.config();
        if (layers.stream().anyMatch(l -> !l.tarDiffId().equals(l.diffId()))) {
            // Re-archived layers: the pushed config lists the diff ids of the tars actually pushed.
            tools.jackson.databind.node.ObjectNode cfg = (tools.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(configBytes);
            tools.jackson.databind.node.ArrayNode ids = Json.MAPPER.createArrayNode();
            layers.forEach(l -> ids.add(l.tarDiffId()));
            ((tools.jackson.databind.node.ObjectNode) cfg.path("rootfs")).set("diff_ids", ids);
            configBytes = Json.bytes(cfg);
            manifestBytes = null;
        }
        byte[] pushedConfig = configBytes;
        Digest configDigest = Digest.sha256(pushedConfig);
        if (!client.blobExists(configDigest)) {
            client.upload(configDigest, pushedConfig.length, () -> new ByteArrayInputStream(pushedConfig),
                    config.uploadChunkSize(), n -> {});
        }
        if (manifestBytes == null) {
            boolean oci = layers.stream().anyMatch(l -> l.mediaType().startsWith("application/vnd.oci."));
            manifestType = oci ? MediaTypes.OCI_MANIFEST : MediaTypes.DOCKER_MANIFEST;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schemaVersion", 2);
            m.put("mediaType", manifestType);
            m.put("config", Descriptor.of(oci ? MediaTypes.OCI_CONFIG : MediaTypes.DOCKER_CONFIG, configDigest.toString(),
                    pushedConfig.length));
            m.put("layers", layers.stream().map(l -> Descriptor.of(l.mediaType(), l.digest().toString(), l.size())).toList());
            manifestBytes = Json.bytes(m);
        }
        String tag = ref.tag().orElseThrow();
        Digest digest = client.putManifest(tag, manifestType, manifestBytes);
        String type = manifestType;
        images.gcLock().readLock().lock(); // blob GC must not see the manifest blob before its record
        try {
            content.write(new ByteArrayInputStream(manifestBytes), Optional.of(Digest.sha256(manifestBytes)));
            images.db().transaction(c -> {
                if (images.imageStore().get(c, row.id()).isEmpty()) {
                    return null; // removed while it was pushed: nothing to remember it by
                }
                ImageReference digestRef = new ImageReference(ref.domain(), ref.path(), Optional.empty(),
                        Optional.of(digest.toString()));
                images.imageStore().putRef(c, digestRef.toString(), row.id(), true);
                dist.addManifest(c, new DistributionStore.ImageManifest(row.id(), digest.toString(), type));
                return null;
            });
        } finally {
            images.gcLock().readLock().unlock();
        }
        progress.status(null, tag + ": digest: " + digest + " size: " + manifestBytes.length);
        Map<String, Object> aux = new LinkedHashMap<>();
        aux.put("Tag", tag);
        aux.put("Digest", digest.toString());
        aux.put("Size", manifestBytes.length);
        progress.aux(aux);
    }

    /** Each layer blob of {@code m} is here, or (when allowed) known in another repository of the target registry. */
    private boolean allAvailable(Manifest m, List<String> diffIds, ImageReference ref, String repository, boolean mountUnfetched) {
        for (int i = 0; i < diffIds.size(); i++) {
            String digest = m.layers().get(i).digest();
            boolean here = images.content().exists(Digest.parse(digest));
            boolean mountable = mountUnfetched && dist.blobsOf(diffIds.get(i)).stream().anyMatch(b -> b.digest().equals(digest)
                    && b.repository().startsWith(ref.domain() + "/") && !b.repository().equals(repository));
            if (!here && !mountable) {
                return false;
            }
        }
        return true;
    }

    private void pushLayer(RegistryClient client, Layer l, String repository, Semaphore uploads, Progress progress)
            throws Exception {
        String id = ImagePuller.shortId(l.diffId());
        if (!uploads.tryAcquire()) {
            progress.status(id, "Waiting");
            uploads.acquire();
        }
        try {
            if (client.blobExists(l.digest())) {
                progress.status(id, "Layer already exists");
            } else if (l.mountFrom().isPresent() && client.mount(l.digest(), l.mountFrom().get())) {
                progress.status(id, "Mounted from " + l.mountFrom().get());
            } else if (!images.content().exists(l.digest())) {
                throw new NotMountable(l.digest(), l.mountFrom().orElse("another repository"));
            } else {
                ContentStore content = images.content();
                long[] last = {-1};
                long step = Math.max(512 * 1024, l.size() / 100);
                client.upload(l.digest(), l.size(), () -> content.open(l.digest()), config.uploadChunkSize(), n -> {
                    if (last[0] < 0 || n - last[0] >= step || n == l.size()) {
                        last[0] = n;
                        progress.progress(id, "Pushing", n, l.size());
                    }
                });
                progress.status(id, "Pushed");
            }
            dist.addBlob(new DistributionStore.LayerBlob(l.diffId(), l.digest().toString(), l.mediaType(), l.size(), repository,
                    l.tarDiffId()));
        } finally {
            uploads.release();
        }
    }

    /** Makes a gzip blob of a local layer (once), stores it and remembers it for this diff id. */
    private DistributionStore.LayerBlob compress(String diffId, String chainId) throws IOException {
        LayerStore.Layer layer = images.layers().get(chainId)
                .orElseThrow(() -> EngineException.notFound("layer %s of the image is missing", chainId));
        Path tmp = Files.createTempFile(images.dataRoot().resolve("blobs"), ".push-", ".tar.gz");
        try {
            java.security.MessageDigest plain = Digest.newSha256();
            boolean rebuilt = false;
            try {
                Optional<InputStream> original = images.layers().openTar(chainId);
                if (original.isPresent()) {
                    try (InputStream in = original.get();
                            OutputStream file = Files.newOutputStream(tmp);
                            GZIPOutputStream gz = new GZIPOutputStream(file, 65536);
                            OutputStream out = new java.security.DigestOutputStream(gz, plain)) {
                        in.transferTo(out); // the layer's own tar, checked against its diff id at its end
                    }
                    rebuilt = true;
                }
            } catch (dev.berth.archive.TarSplit.MismatchException e) {
                System.err.println("berthd: push: layer " + chainId + " does not rebuild its original tar (diff id "
                        + diffId + "): " + e.getMessage() + "; pushing it re-archived from its tree, under a new diff id");
                plain.reset();
            }
            if (!rebuilt) {
                try (OutputStream file = Files.newOutputStream(tmp);
                        GZIPOutputStream gz = new GZIPOutputStream(file, 65536);
                        OutputStream out = new java.security.DigestOutputStream(gz, plain)) {
                    dev.berth.archive.LayerTar.write(layer.diffDir(), out);
                }
            }
            // Re-archived (no tar-split metadata: layers of older berth versions, or a tree that no
            // longer matches it), the tar rarely has the original diff id; the pushed config then
            // names the new one.
            String tarDiffId = Digest.of(plain).toString();
            Digest digest;
            try (InputStream in = Files.newInputStream(tmp)) {
                digest = images.content().write(in, Optional.empty());
            }
            DistributionStore.LayerBlob b = new DistributionStore.LayerBlob(diffId, digest.toString(),
                    MediaTypes.DOCKER_LAYER_GZIP, Files.size(tmp), "", tarDiffId);
            dist.addBlob(b);
            return b;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
