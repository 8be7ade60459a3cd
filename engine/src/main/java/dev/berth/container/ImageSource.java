package dev.berth.container;

import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the container engine needs of images; the daemon adapts the image service to it. */
public interface ImageSource {
    /** @throws dev.berth.common.EngineException NOT_FOUND "No such image: ref" */
    Image resolve(String ref);

    /**
     * A container of image {@code imageId} is gone; layers kept only for it (its image was
     * force-removed) can now be collected.
     */
    default void released(String imageId) {}

    /** An image as a container sees it: its id, the "config" section of its config, its layers. */
    record Image(String id, String reference, JsonNode config, List<Path> layerDirs) {}
}
