package dev.berth.container;

import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One container as berth stores it. {@code config} and {@code hostConfig} keep the Docker API's
 * Config and HostConfig objects as the client sent them, merged with the image's defaults, so
 * that inspect returns every field a client set, including ones berth does not act on yet.
 * {@code layers} are the directories of the image's layers, bottom first, kept with the
 * container because they outlive a forced rmi of its image; null in records written before they
 * were kept here (those have them in the file {@code layers} of the container's directory).
 */
public record Container(
        String id,
        String name,
        Instant created,
        String path,
        java.util.List<String> args,
        ObjectNode config,
        ObjectNode hostConfig,
        String imageId,
        String runtime,
        ContainerState state,
        int restartCount,
        String hostname,
        java.util.List<String> layers) {

    public String shortId() {
        return id.substring(0, 12);
    }

    public Container withState(ContainerState s) {
        return new Container(id, name, created, path, args, config, hostConfig, imageId, runtime, s, restartCount, hostname, layers);
    }

    public Container withName(String n) {
        return new Container(id, n, created, path, args, config, hostConfig, imageId, runtime, state, restartCount, hostname, layers);
    }

    public boolean tty() {
        return config.path("Tty").asBoolean(false);
    }

    public boolean openStdin() {
        return config.path("OpenStdin").asBoolean(false);
    }

    public boolean stdinOnce() {
        return config.path("StdinOnce").asBoolean(false);
    }

    public boolean autoRemove() {
        return hostConfig.path("AutoRemove").asBoolean(false);
    }
}
