package dev.berth.image;

import dev.berth.archive.Gunzip;
import dev.berth.common.Digest;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.oci.Descriptor;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Manifest;
import dev.berth.oci.ManifestIndex;
import dev.berth.oci.MediaTypes;
import dev.berth.oci.Platform;
import dev.berth.registry.Credentials;
import dev.berth.registry.RegistryClient;
import dev.berth.registry.RegistryConfig;
import dev.berth.registry.RegistryException;
import dev.berth.store.ContentStore;
import dev.berth.store.ImageStore.ImageRow;
import dev.berth.store.LayerStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code docker pull}, pipelined: every missing layer is downloaded (at most
 * {@code max-concurrent-downloads} at once), verified while streaming, and unpacked into its own
 * directory as its bytes arrive, all layers in parallel, instead of Docker's download-then-extract
 * one layer at a time. Chain ids are known from the config before any layer arrives, so each
 * layer is moved under its chain id as soon as it is complete. A layer already present is never
 * fetched; a blob already in the content store is unpacked from there.
 */
final class ImagePuller {
    private static final Map<String, ReentrantLock> BLOB_LOCKS = new ConcurrentHashMap<>();

    private final LocalImageService images;
    private final DistributionStore dist;
    private final RegistryConfig config;
    private final Path partialDir;

    ImagePuller(LocalImageService images, DistributionStore dist, RegistryConfig config) {
        this.images = images;
        this.dist = dist;
        this.config = config;
        this.partialDir = images.dataRoot().resolve("blobs").resolve("partial");
    }

    void pull(String reference, boolean allTags, Optional<String> platformSpec, Credentials creds, Progress progress) {
        ImageReference ref = ImageReference.parse(reference);
        Optional<Platform> explicit = platformSpec.filter(s -> !s.isBlank()).map(Platform::parse);
        Platform platform = explicit.orElse(Platform.host());
        if (allTags && (ref.tag().isPresent() || ref.digest().isPresent())) {
            throw EngineException.invalid("tag can't be used with --all-tags/-a");
        }
        try {
            if (allTags) {
                Session s = session(ref, creds, List.of());
                List<String> tags = s.client.tags();
                for (String t : tags) {
                    pullOne(s, ref.withTag(t), platform, explicit.isPresent(), progress);
                }
                progress.status(null, "Status: Downloaded newer image for " + ref.familiarName());
                return;
            }
            ImageReference wanted = ref.withDefaultTag();
            Session s = session(wanted, creds, List.of());
            Result r = pullOne(s, wanted, platform, explicit.isPresent(), progress);
            progress.status(null, "Digest: " + r.repoDigest);
            progress.status(null, (r.newer ? "Status: Downloaded newer image for " : "Status: Image is up to date for ")
                    + wanted.familiarString());
        } catch (IOException e) {
            throw EngineException.system(e, "%s", e.getMessage());
        }
    }

    private record Session(RegistryClient client, ImageReference ref) {}

    private record Result(String repoDigest, boolean newer) {}

    /**
     * Connects for {@code ref}, trying mirrors first for Docker Hub, and fetches the top-level
     * manifest on the first endpoint that has it.
     */
    private Session session(ImageReference ref, Credentials creds, List<String> extraScopes) throws IOException {
        List<RegistryClient.Endpoint> endpoints = RegistryClient.endpoints(config, ref.domain(), true);
        IOException lastIo = null;
        for (int i = 0; i < endpoints.size(); i++) {
            RegistryClient.Endpoint e = endpoints.get(i);
            boolean last = i == endpoints.size() - 1;
            try {
                RegistryClient c = RegistryClient.connect(config, e, ref.domain(), ref.path(), creds, List.of("pull"), extraScopes);
                return new Session(c, ref);
            } catch (IOException ex) {
                lastIo = ex;
            } catch (RegistryException ex) {
                if (last || !e.mirror()) {
                    throw translate(ex, ref);
                }
            }
        }
        throw lastIo;
    }

    static EngineException translate(RegistryException e, ImageReference ref) {
        if (e.status() == 401 || e.status() == 403 || e.code().equals("NAME_UNKNOWN") || e.code().equals("DENIED")
                || e.code().equals("UNAUTHORIZED")) {
            if (e.getMessage().contains("incorrect username or password")) {
                return new EngineException(ErrorKind.UNAUTHORIZED, e.getMessage());
            }
            return EngineException.notFound("pull access denied for %s, repository does not exist or may require 'docker login': %s",
                    ref.familiarName(), e.code().equals("NAME_UNKNOWN") || e.status() == 401
                            ? "denied: requested access to the resource is denied" : e.getMessage());
        }
        if (e.code().equals("MANIFEST_UNKNOWN") || e.status() == 404) {
            return EngineException.notFound("manifest for %s not found: %s", ref.familiarString(),
                    e.code().isEmpty() ? "manifest unknown: manifest unknown" : e.getMessage());
        }
        return e;
    }

    private Result pullOne(Session s, ImageReference ref, Platform platform, boolean explicitPlatform, Progress progress)
            throws IOException {
        RegistryClient client = s.client;
        String reference = ref.digest().orElseGet(() -> ref.tag().orElseThrow());
        RegistryClient.FetchedManifest top;
        try {
            top = client.manifest(reference);
        } catch (RegistryException e) {
            throw translate(e, ref);
        }
        RegistryClient.FetchedManifest fetched = top;
        if (MediaTypes.INDEXES.contains(top.mediaType())) {
            ManifestIndex index = Json.read(top.bytes(), ManifestIndex.class);
            Descriptor d = index.select(platform);
            try {
                fetched = client.manifest(d.digest());
            } catch (RegistryException e) {
                throw translate(e, ref);
            }
        }
        if (!MediaTypes.MANIFESTS.contains(fetched.mediaType())) {
            if (fetched.mediaType().startsWith("application/vnd.docker.distribution.manifest.v1")) {
                throw EngineException.invalid("Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. "
                        + "Suggest the author of %s to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2.",
                        ref.familiarString());
            }
            throw EngineException.invalid("unsupported manifest media type %s for %s", fetched.mediaType(), ref.familiarString());
        }
        Manifest manifest = Json.read(fetched.bytes(), Manifest.class);
        progress.status(ref.digest().orElseGet(() -> ref.tag().orElseThrow()), "Pulling from " + ref.path());

        ContentStore content = images.content();
        LayerStore layers = images.layers();
        Digest configDigest = Digest.parse(manifest.config().digest());
        byte[] configBytes;
        if (content.exists(configDigest)) {
            try (InputStream in = content.open(configDigest)) {
                configBytes = in.readAllBytes();
            }
        } else {
            configBytes = client.blobBytes(configDigest); // stored below, once blob GC is held off
        }
        ImageConfig imageConfig = Json.read(configBytes, ImageConfig.class);
        if (explicitPlatform && imageConfig.architecture() != null
                && !platform.matches(Platform.of(imageConfig.os(), imageConfig.architecture(), imageConfig.variant()))) {
            throw EngineException.notFound("image with reference %s was found but does not match the specified platform: wanted %s",
                    ref.familiarString(), platform);
        }
        List<String> diffIds = imageConfig.rootfs().diffIds();
        List<Descriptor> descs = manifest.layers();
        if (diffIds.size() != descs.size()) {
            throw EngineException.invalid("invalid image %s: %d layers in the manifest, %d diff ids in the config",
                    ref.familiarString(), descs.size(), diffIds.size());
        }
        for (Descriptor d : descs) {
            if (d.mediaType() != null && !MediaTypes.LAYERS.contains(d.mediaType())) {
                throw EngineException.invalid("unsupported layer media type %s", d.mediaType());
            }
        }
        String imageId = configDigest.toString();
        List<String> chainIds = LayerStore.chainIds(diffIds);
        String repository = ref.domain() + "/" + ref.path();
        Digest repoDigest = top.digest();

        images.gcLock().readLock().lock();
        try {
            if (!content.exists(configDigest)) {
                content.write(new java.io.ByteArrayInputStream(configBytes), Optional.of(configDigest));
            }
            long size = fetchLayers(client, descs, diffIds, chainIds, repository, progress);
            ImageReference digestRef = new ImageReference(ref.domain(), ref.path(), Optional.empty(), Optional.of(repoDigest.toString()));
            content.write(new java.io.ByteArrayInputStream(fetched.bytes()), Optional.of(fetched.digest()));
            RegistryClient.FetchedManifest stored = fetched;
            boolean newer = images.db().transaction(c -> {
                boolean added = images.imageStore().add(c, new ImageRow(imageId, configBytes,
                        LocalImageService.nanos(Instant.now()), size, Optional.empty(), 0));
                boolean changed = added;
                if (ref.tag().isPresent() && ref.digest().isEmpty()) {
                    String tagRef = ref.toString();
                    changed |= !images.imageStore().resolveRef(c, tagRef).map(imageId::equals).orElse(false);
                    images.imageStore().putRef(c, tagRef, imageId, false);
                }
                images.imageStore().putRef(c, digestRef.toString(), imageId, true);
                dist.addManifest(c, new DistributionStore.ImageManifest(imageId, stored.digest().toString(), stored.mediaType()));
                for (int i = 0; i < descs.size(); i++) {
                    Descriptor d = descs.get(i);
                    dist.addBlob(c, new DistributionStore.LayerBlob(diffIds.get(i), d.digest(),
                            d.mediaType() == null ? MediaTypes.DOCKER_LAYER_GZIP : d.mediaType(), d.size(), repository));
                }
                return changed;
            });
            return new Result(repoDigest.toString(), newer);
        } finally {
            images.gcLock().readLock().unlock();
        }
    }

    /** Fetches and unpacks every missing layer in parallel; returns the image size (sum of layer sizes). */
    private long fetchLayers(RegistryClient client, List<Descriptor> descs, List<String> diffIds, List<String> chainIds,
            String repository, Progress progress) throws IOException {
        int n = descs.size();
        long[] sizes = new long[n];
        Semaphore downloads = new Semaphore(config.maxConcurrentDownloads());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Optional<LayerStore.Layer> have = images.layers().get(chainIds.get(i));
            if (have.isPresent()) {
                sizes[i] = have.get().size();
                progress.status(shortId(descs.get(i).digest()), "Already exists");
            } else {
                missing.add(i);
            }
        }
        for (int i : missing) {
            progress.status(shortId(descs.get(i).digest()), "Pulling fs layer");
        }
        if (missing.isEmpty()) {
            return sum(sizes);
        }
        try (ExecutorService pool = Unpackers.newExecutor("pull-layer")) {
            List<Future<Fetched>> futures = new ArrayList<>();
            for (int i : missing) {
                int idx = i;
                futures.add(pool.submit(() -> fetchLayer(client, descs.get(idx), diffIds.get(idx), chainIds.get(idx),
                        repository, downloads, progress)));
            }
            // Layers unpack in parallel; each is put under its chain id as soon as it and all
            // below it are done (the store wants the parent in place first).
            for (int k = 0; k < futures.size(); k++) {
                int idx = missing.get(k);
                try {
                    Fetched f = futures.get(k).get();
                    if (f.staged() == null) {
                        sizes[idx] = f.size();
                    } else {
                        LayerStore.Layer layer = images.layers().commit(f.staged(),
                                idx == 0 ? Optional.empty() : Optional.of(chainIds.get(idx - 1)));
                        sizes[idx] = layer.size();
                        progress.status(shortId(descs.get(idx).digest()), "Pull complete");
                    }
                } catch (ExecutionException | RuntimeException | IOException e) {
                    futures.forEach(f -> f.cancel(true));
                    discardRest(futures, k + 1);
                    if (e instanceof RuntimeException re) {
                        throw re;
                    }
                    if (e instanceof IOException io) {
                        throw io;
                    }
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(cause);
                } catch (InterruptedException e) {
                    futures.forEach(f -> f.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("pull cancelled");
                }
            }
        }
        return sum(sizes);
    }

    /** A staged layer (null if present already; then {@code size} is its size). */
    private record Fetched(LayerStore.Staged staged, long size) {}

    private void discardRest(List<Future<Fetched>> futures, int from) {
        for (int j = from; j < futures.size(); j++) {
            Future<Fetched> f = futures.get(j);
            try {
                Fetched x = f.get();
                if (x.staged() != null) {
                    images.layers().discard(x.staged());
                }
            } catch (Exception ignored) {
                // failed or cancelled: it cleaned up after itself
            }
        }
    }

    private Fetched fetchLayer(RegistryClient client, Descriptor d, String diffId, String chainId, String repository,
            Semaphore downloads, Progress progress) throws Exception {
        String id = shortId(d.digest());
        Digest digest = Digest.parse(d.digest());
        ReentrantLock lock = BLOB_LOCKS.computeIfAbsent(d.digest(), k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            Optional<LayerStore.Layer> have = images.layers().get(chainId);
            if (have.isPresent()) {
                progress.status(id, "Already exists");
                return new Fetched(null, have.get().size());
            }
            ContentStore content = images.content();
            LayerStore.Staged staged = null;
            if (content.exists(digest)) {
                progress.status(id, "Download complete");
                staged = stageBlob(content.path(digest), new ThrottledProgress(id, "Extracting", d.size(), progress));
            } else {
                // gzip layers are fetched whole, then inflated in one go (see Gunzip); others are
                // unpacked as their bytes arrive
                boolean whole = Gunzip.available() && (d.mediaType() == null || d.mediaType().endsWith("gzip"));
                if (!downloads.tryAcquire()) {
                    progress.status(id, "Waiting");
                    downloads.acquire();
                }
                BlobDownload.Verified verified = null;
                try (BlobDownload dl = new BlobDownload(client, digest, d.size(), partialDir, content.path(digest),
                        config.maxDownloadAttempts(), throttled(id, d.size(), progress),
                        (attempt, delay, cause) -> progress.status(id, "Retrying in " + delay + " second" + (delay == 1 ? "" : "s")))) {
                    if (whole) {
                        verified = dl.drainVerified(); // checked; being made durable from now on
                    } else {
                        staged = unpackWhileDownloading(dl);
                    }
                } finally {
                    downloads.release();
                }
                progress.status(id, "Verifying Checksum");
                progress.status(id, "Download complete");
                if (verified != null) {
                    staged = stageWhileStoring(verified, new ThrottledProgress(id, "Extracting", d.size(), Progress.NONE));
                }
                // Extracted by now (as the blob arrived, or since); Docker's clients still expect
                // the step between "Download complete" and "Pull complete".
                progress.progress(id, "Extracting", d.size(), d.size());
            }
            if (!staged.diffId().equals(diffId)) {
                images.layers().discard(staged);
                throw EngineException.invalid("failed to register layer: layer %s has diff id %s, the image config says %s",
                        d.digest(), staged.diffId(), diffId);
            }
            // Recorded now, not with the image: the blob then lives as long as its layer, even if
            // this pull is interrupted, so pulling again can still push back the same digests.
            dist.addBlob(new DistributionStore.LayerBlob(diffId, d.digest(),
                    d.mediaType() == null ? MediaTypes.DOCKER_LAYER_GZIP : d.mediaType(), d.size(), repository));
            return new Fetched(staged, staged.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unpacks a verified blob while its fsync runs, then puts it in the content store: the blob is
     * there before anything records the layer, as when it was stored first (ADR 0005 addendum).
     */
    private LayerStore.Staged stageWhileStoring(BlobDownload.Verified blob, ThrottledProgress extracting) throws IOException {
        LayerStore.Staged staged;
        try {
            staged = stageBlob(blob.path(), extracting);
        } catch (IOException | RuntimeException e) {
            try {
                blob.commit(); // a verified blob is kept, as before, whatever its tar holds
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        try {
            blob.commit();
        } catch (IOException | RuntimeException e) {
            images.layers().discard(staged);
            throw e;
        }
        return staged;
    }

    /** Unpacks a blob of the content store: inflated whole where it can be, else streamed. */
    private LayerStore.Staged stageBlob(Path blob, ThrottledProgress extracting) throws IOException {
        Optional<LayerStore.Staged> inflated = images.layers().stageInflated(blob, extracting);
        if (inflated.isPresent()) {
            return inflated.get();
        }
        try (InputStream in = java.nio.file.Files.newInputStream(blob)) {
            return images.layers().stage(extracting.counting(in));
        }
    }

    /** Unpacks the layer as its bytes arrive, then reads the rest of the blob, which verifies it. */
    private LayerStore.Staged unpackWhileDownloading(BlobDownload dl) throws IOException {
        LayerStore.Staged staged;
        try {
            staged = images.layers().stage(new FilterInputStream(dl) {
                @Override
                public void close() {
                    // the download is drained and verified below, then closed
                }
            });
        } catch (IOException | RuntimeException e) {
            // A corrupt blob often breaks decompression first; the digest says why.
            if (!(e instanceof java.io.InterruptedIOException)) {
                try {
                    dl.drain();
                } catch (EngineException verification) {
                    throw verification;
                } catch (IOException | RuntimeException ignored) {
                    // the original failure is the one to report
                }
            }
            throw e;
        }
        try {
            dl.drain();
        } catch (IOException | RuntimeException e) {
            images.layers().discard(staged);
            throw e;
        }
        return staged;
    }

    /** Reports download progress at most every 1% or 512 KiB, and at the end. */
    private static java.util.function.LongConsumer throttled(String id, long total, Progress progress) {
        return new ThrottledProgress(id, "Downloading", total, progress);
    }

    static String shortId(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(12, hex.length()));
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long x : a) {
            s += x;
        }
        return s;
    }
}
