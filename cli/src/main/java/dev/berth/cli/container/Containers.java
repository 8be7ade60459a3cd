package dev.berth.cli.container;

import dev.berth.api.http.ClientResponse;
import dev.berth.api.http.HttpStatusException;
import dev.berth.cli.CliException;
import dev.berth.cli.Context;
import dev.berth.cli.Query;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import dev.berth.cli.image.PullCommand;
import dev.berth.oci.ImageReference;
import dev.berth.common.json.JsonNode;

/** Steps shared by run, create, start and attach. */
final class Containers {
    private Containers() {}

    /**
     * POST /containers/create, pulling the image first as Docker's {@code --pull} says: "missing"
     * (the default) pulls after a "No such image", "always" before, "never" not at all. Prints the
     * daemon's warnings to stderr; returns the id.
     */
    static String create(Context ctx, CreateRequest.Request req, String pullPolicy) throws Exception {
        String policy = pullPolicy == null || pullPolicy.isEmpty() ? "missing" : pullPolicy;
        if (!List.of("missing", "always", "never").contains(policy)) {
            throw new CliException(125, "invalid pull option: '" + policy + "': must be one of \"always\", \"missing\" or \"never\"");
        }
        String image = req.body().path("Image").asString("");
        if (policy.equals("always")) {
            pullImage(ctx, image, req.platform());
        }
        try {
            return createOnce(ctx, req);
        } catch (HttpStatusException e) {
            if (e.status() != 404 || !policy.equals("missing") || !e.message().startsWith("No such image")) {
                throw e;
            }
        }
        ctx.err().println("Unable to find image '" + ImageReference.parse(image).withDefaultTag().familiarString() + "' locally");
        pullImage(ctx, image, req.platform());
        return createOnce(ctx, req);
    }

    private static void pullImage(Context ctx, String image, String platform) throws Exception {
        ImageReference ref = ImageReference.parse(image);
        PullCommand.pull(ctx, ref.digest().isPresent() ? ref : ref.withDefaultTag(), false, platform, ctx.err(), false);
    }

    private static String createOnce(Context ctx, CreateRequest.Request req) throws IOException {
        JsonNode r = ctx.daemon().post(Query.of("/containers/create").add("name", req.name()).add("platform", req.platform()), req.body());
        JsonNode warnings = r.path("Warnings");
        if (warnings.isArray()) for (JsonNode w : warnings) ctx.err().println("WARNING: " + w.asString());
        return r.path("Id").asString();
    }

    static List<String> readLines(String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("open " + file + ": no such file or directory");
        }
    }

    /**
     * Docker run's exit status for a failed start: 127 when the command cannot be found, 126
     * when it cannot be invoked, else 125.
     */
    static int startFailureCode(String message) {
        if (message.contains("executable file not found") || message.contains("no such file or directory")
                || message.contains("system cannot find the file specified")) return 127;
        if (message.contains("permission denied") || message.contains("is a directory")) return 126;
        return 125;
    }

    /** Starts {@code POST /containers/{id}/wait} and returns once the daemon has registered it. */
    static Future<Integer> waitFor(Context ctx, String id, String condition) {
        PendingWait w = requestWait(ctx, id, condition);
        w.awaitRegistered();
        return w.exit();
    }

    /**
     * Sends {@code POST /containers/{id}/wait} on a thread of its own and returns at once, so that the
     * caller can attach meanwhile; {@link PendingWait#awaitRegistered} before the start.
     */
    static PendingWait requestWait(Context ctx, String id, String condition) {
        CountDownLatch registered = new CountDownLatch(1);
        // a FutureTask, not a CompletableFuture: whose get() would set up the ForkJoinPool to block
        FutureTask<Integer> result = new FutureTask<>(() -> {
            try (ClientResponse r = ctx.daemon().stream("POST", Query.of("/containers/%s/wait", id).add("condition", condition), null)) {
                registered.countDown();
                JsonNode j = r.json();
                String err = j.path("Error").path("Message").asString("");
                if (!err.isEmpty()) ctx.err().println(err);
                return j.path("StatusCode").asInt(0);
            } finally {
                registered.countDown();
            }
        });
        Thread t = new Thread(result, "wait");
        t.setDaemon(true);
        t.start();
        return new PendingWait(result, registered);
    }

    /** A wait request in flight: its exit code to come, and whether the daemon has taken it. */
    record PendingWait(Future<Integer> exit, CountDownLatch registered) {
        /** Returns once the daemon answered the wait's head (or failed), at most 2 s. */
        void awaitRegistered() {
            try {
                // Docker's daemon answers the head at once; a daemon that does not must not hang us.
                registered.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The container's exit code from a wait future, mapping daemon errors like docker does. */
    static int exitCode(Future<Integer> wait) {
        try {
            return wait.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof HttpStatusException h) throw new CliException(125, "Error response from daemon: " + h.message());
            throw new CliException(125, String.valueOf(e.getCause().getMessage()));
        }
    }

    /** Tells the daemon our terminal size; a failure is harmless. */
    static void resize(Context ctx, String path) {
        int[] size = Terminal.size();
        if (size == null) return;
        try {
            ctx.daemon().post(Query.of(path).add("h", size[0]).add("w", size[1]), null);
        } catch (IOException e) {
            // the container may already be gone; the size is cosmetic
        }
    }

    static JsonNode inspect(Context ctx, String ref) throws IOException {
        return ctx.daemon().get(Query.of("/containers/%s/json", ref));
    }
}
