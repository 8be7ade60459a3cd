package dev.berth.image;

import java.util.List;

/**
 * What {@code docker load} did.
 *
 * @param images the images loaded, in archive order
 * @param messages the lines Docker prints ("Loaded image: busybox:latest", "Loaded image ID:
 *     sha256:...", and a note for each tag taken from another image), without newlines
 */
public record LoadResult(List<LoadedImage> images, List<String> messages) {
    /** One loaded image: its id and the familiar tags it was given. */
    public record LoadedImage(String id, List<String> tags) {}
}
