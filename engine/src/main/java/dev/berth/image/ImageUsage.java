package dev.berth.image;

import java.util.List;

/**
 * Which containers use an image; supplied by the container engine so that images never depend on
 * containers. Image ids are {@code sha256:<hex>}.
 */
@FunctionalInterface
public interface ImageUsage {
    /** A container using an image: its full id and whether it is running. */
    record User(String containerId, boolean running) {}

    /** The containers whose image is {@code imageId}; empty when none. */
    List<User> containersUsing(String imageId);

    ImageUsage NONE = id -> List.of();
}
