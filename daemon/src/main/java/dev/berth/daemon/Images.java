package dev.berth.daemon;

import dev.berth.common.Json;
import dev.berth.container.ContainerStore;
import dev.berth.container.ImageSource;
import dev.berth.image.Image;
import dev.berth.image.ImageService;
import dev.berth.image.ImageUsage;
import dev.berth.store.Database;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Adapts the image service to what the container engine and the routes need of images. */
final class Images {
    private final ImageService service;
    private volatile ContainerStore containers;

    private Images(ImageService service) {
        this.service = service;
    }

    static Images open(Path dataRoot, Database db, java.util.function.Function<ImageUsage, ImageService> factory) {
        Images[] holder = new Images[1];
        ImageUsage usage = imageId -> holder[0].usersOf(imageId);
        holder[0] = new Images(factory.apply(usage));
        return holder[0];
    }

    private List<ImageUsage.User> usersOf(String imageId) {
        ContainerStore store = containers;
        if (store == null) {
            return List.of();
        }
        return store.all().stream().filter(c -> c.imageId().equals(imageId))
                .map(c -> new ImageUsage.User(c.id(), c.state().running())).toList();
    }

    void setUsage(ContainerStore store) {
        this.containers = store;
    }

    ImageService service() {
        return service;
    }

    int count() {
        return service.list(false, Map.of()).size();
    }

    /** `ps --filter ancestor=ref`: the container's image is the one ref names. */
    boolean matches(String imageId, String ref) {
        try {
            return service.resolve(ref).id().equals(imageId);
        } catch (RuntimeException e) {
            return false;
        }
    }

    ImageSource asImageSource() {
        return new ImageSource() {
            @Override
            public ImageSource.Image resolve(String ref) {
                dev.berth.image.Image i = service.resolve(ref);
                return new ImageSource.Image(i.id(), ref, Json.MAPPER.valueToTree(i.config().config()), i.layerDirs());
            }

            @Override
            public void released(String imageId) {
                if (service instanceof dev.berth.image.LocalImageService local && !exists(imageId)) {
                    local.collectGarbage(); // the image was force-removed while this container used it
                }
            }
        };
    }

    private boolean exists(String imageId) {
        try {
            service.inspect(imageId);
            return true;
        } catch (dev.berth.common.EngineException e) {
            return false;
        }
    }
}
