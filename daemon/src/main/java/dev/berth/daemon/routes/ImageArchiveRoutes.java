package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.common.EngineException;
import dev.berth.common.Json;
import dev.berth.image.ImageService;
import dev.berth.image.LoadResult;
import dev.berth.image.Progress;
import dev.berth.oci.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** The Engine API's image archive and history routes: save ({@code get}), load, history. */
public final class ImageArchiveRoutes {
    private final ImageService images;

    public ImageArchiveRoutes(ImageService images) {
        this.images = images;
    }

    public void register(Router router) {
        router.get("/images/get", ex -> save(ex, ex.queryAll("names")));
        router.get("/images/{name*}/get", ex -> save(ex, List.of(ex.pathParam("name"))));
        // platform: API 1.48+; the docker CLI sends a JSON OCI platform, berth's CLI may send os/arch
        router.post("/images/load", this::load);
        router.get("/images/{name*}/history", this::history);
    }

    /**
     * {@code GET /images/get?names=a&names=b}: a tar stream. Every name is resolved before the
     * status line goes out, so a missing image is a 404 with nothing written.
     */
    private void save(Exchange ex, List<String> names) throws IOException {
        OutputStream[] out = new OutputStream[1];
        images.save(names, platform(ex), () -> out[0] = ex.respondStream(200, "application/x-tar"));
        if (out[0] != null) {
            out[0].close();
        }
    }

    /**
     * {@code POST /images/load}: Docker's JSON message stream. Unless {@code quiet} (Docker's default
     * when absent), each layer's {@code Loading layer} progress is sent while the archive is read;
     * then one {@code {"stream": "Loaded image: ...\n"}} per result line. An error before anything
     * was sent (always so when quiet: results come only after the whole load) gets its status
     * code (400 for a bad archive); after that it can only be an error message in the stream.
     */
    private void load(Exchange ex) {
        DistributionRoutes.JsonProgress out = new DistributionRoutes.JsonProgress(ex);
        try {
            LoadResult r = images.load(ex.body(), ex.queryBool("quiet", true) ? Progress.NONE : out);
            for (String line : r.messages()) {
                out.stream(line + "\n");
            }
        } catch (RuntimeException e) {
            if (!out.started()) {
                throw e;
            }
            out.error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        out.close();
    }

    private void history(Exchange ex) {
        ex.respondJson(200, images.history(ex.pathParam("name"), platform(ex)));
    }

    /**
     * The {@code platform} query parameter: a JSON-encoded OCI platform, as the docker CLI sends it
     * ({@code {"architecture":"arm64","os":"linux"}}), or {@code os/arch[/variant]}; several (save
     * allows a list) must all name the same platform, as an image here has only one.
     */
    static Optional<Platform> platform(Exchange ex) {
        List<Platform> asked = new ArrayList<>();
        for (String v : ex.queryAll("platform")) {
            if (v.isBlank()) {
                continue;
            }
            if (v.trim().startsWith("{")) {
                JsonNode p;
                try {
                    p = Json.MAPPER.readTree(v);
                } catch (RuntimeException e) {
                    throw EngineException.invalid("invalid platform %s: %s", v, e.getMessage());
                }
                String os = p.path("os").asString("");
                String arch = p.path("architecture").asString("");
                if (os.isEmpty() || arch.isEmpty()) {
                    throw EngineException.invalid("invalid platform %s: os and architecture are required", v);
                }
                String variant = p.path("variant").asString("");
                asked.add(Platform.parse(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant)));
            } else {
                asked.add(Platform.parse(v));
            }
        }
        if (asked.stream().map(Platform::toString).distinct().count() > 1) {
            throw EngineException.invalid("an image has one platform here; asked for %s", asked);
        }
        return asked.stream().findFirst();
    }
}
