package dev.berth.image;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Local images with Docker's semantics. References are anything Docker accepts: a name
 * ({@code busybox}, {@code localhost:5000/a/b:t}), a full or {@code sha256:}-prefixed id, or a
 * unique id prefix. Failures are {@link dev.berth.common.EngineException}s with Docker's messages.
 */
public interface ImageService {
    /**
     * {@code docker import}: one layer from {@code tar} (plain, gzip, zstd or bzip2), a config made
     * of the Dockerfile {@code changes} (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME,
     * STOPSIGNAL, ONBUILD, HEALTHCHECK), tagged {@code repoTag} if given.
     *
     * @return the image id, {@code sha256:<hex>}
     */
    String importImage(InputStream tar, Optional<String> repoTag, List<String> changes, String message);

    /** {@code docker images}; filters: dangling, label, before, since, reference. Newest first. */
    List<Image> list(boolean all, Map<String, List<String>> filters);

    /** @throws dev.berth.common.EngineException NOT_FOUND "No such image: ref" */
    Image inspect(String ref);

    /** The image a container would run; same lookup as {@link #inspect}. */
    Image resolve(String ref);

    /** Points {@code target} (default tag latest) at the image {@code source} names. */
    void tag(String source, String target);

    /** {@code docker rmi}: untags and/or deletes, answering Docker's list of Untagged/Deleted. */
    List<DeleteResponseItem> remove(String ref, boolean force, boolean noPrune);

    /** {@code docker image prune}: dangling images, or with {@code all} every unused image. Filters: until, label. */
    PruneReport prune(boolean all, Map<String, List<String>> filters);

    /** {@code docker history}: one item per config history entry, newest first, as Docker answers. */
    default List<HistoryItem> history(String ref) {
        return history(ref, java.util.Optional.empty());
    }

    /**
     * As {@link #history(String)}; with {@code platform}, an image of another platform is
     * NOT_FOUND in Docker's words (an image here has one platform: the one it was pulled for).
     */
    List<HistoryItem> history(String ref, java.util.Optional<dev.berth.oci.Platform> platform);

    /**
     * {@code docker save}: resolves every name first (NOT_FOUND "No such image: x" before anything
     * is written), then opens {@code out} and streams one tar that is both a docker-archive
     * (manifest.json, repositories) and an OCI image layout (oci-layout, index.json, blobs).
     */
    default void save(List<String> names, java.util.function.Supplier<java.io.OutputStream> out) {
        save(names, java.util.Optional.empty(), out);
    }

    /**
     * As {@link #save(List, java.util.function.Supplier)}; with {@code platform}, every named image
     * must be of that platform, else NOT_FOUND in Docker's words before anything is written.
     */
    void save(List<String> names, java.util.Optional<dev.berth.oci.Platform> platform,
            java.util.function.Supplier<java.io.OutputStream> out);

    /**
     * {@code docker load}: a docker-archive or OCI image layout tar, plain or compressed. All or
     * nothing: on any error no image, layer or temporary file of this load is left behind.
     */
    default LoadResult load(InputStream archive) {
        return load(archive, Progress.NONE);
    }

    /** As {@link #load(InputStream)}, telling {@code progress} Docker's "Loading layer" progress of each layer. */
    LoadResult load(InputStream archive, Progress progress);
}
