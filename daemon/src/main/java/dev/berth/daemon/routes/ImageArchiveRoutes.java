package dev.berth.daemon.routes;

import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.common.Json;
import dev.berth.image.ImageService;
import dev.berth.image.LoadResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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
     * {@code POST /images/load}: the whole archive is read and loaded before the answer starts, so
     * a bad archive gets an error status (400) rather than an error line in a 200 stream. The
     * answer is Docker's JSON message stream: one {@code {"stream": "Loaded image: ...\n"}} per line.
     * Progress lines are not sent, with or without {@code quiet}.
     */
    private void load(Exchange ex) {
        LoadResult r = images.load(ex.body());
        try (OutputStream out = ex.respondStream(200, "application/json")) {
            for (String line : r.messages()) {
                out.write((Json.string(Map.of("stream", line + "\n")) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void history(Exchange ex) {
        ex.respondJson(200, images.history(ex.pathParam("name")));
    }
}
