package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.image.ImageService;
import dev.berth.image.LoadResult;
import dev.berth.image.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** The Engine API's image archive and history routes: save ({@code get}), load, history. */
public final class ImageArchiveRoutes {
    private final ImageService images;

    public ImageArchiveRoutes(ImageService images) {
        this.images = images;
    }

    public void register(Router router) {
        router.get("/images/get", ex -> save(ex, ex.queryAll("names")));
        router.get("/images/{name*}/get", ex -> save(ex, List.of(ex.pathParam("name"))));
        router.post("/images/load", this::load);
        router.get("/images/{name*}/history", this::history);
    }

    /**
     * {@code GET /images/get?names=a&names=b}: a tar stream. Every name is resolved before the
     * status line goes out, so a missing image is a 404 with nothing written.
     */
    private void save(Exchange ex, List<String> names) throws IOException {
        OutputStream[] out = new OutputStream[1];
        images.save(names, () -> out[0] = ex.respondStream(200, "application/x-tar"));
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
        ex.respondJson(200, images.history(ex.pathParam("name")));
    }
}
