package dev.berth.daemon.routes;

import dev.berth.api.http.ApiVersions;
import dev.berth.api.http.Exchange;
import dev.berth.api.http.Router;
import dev.berth.common.EngineException;
import dev.berth.common.ErrorKind;
import dev.berth.common.Json;
import dev.berth.image.DeleteResponseItem;
import dev.berth.image.Image;
import dev.berth.image.ImageService;
import dev.berth.image.PruneReport;
import dev.berth.oci.ImageConfig;
import dev.berth.oci.Rfc3339;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Engine API's image routes (swagger tag "Image"): import, list, inspect, tag, remove, prune. */
public final class ImageRoutes {
    private static final Set<String> LIST_FILTERS = Set.of("dangling", "label", "before", "since", "reference", "until");
    private static final Set<String> PRUNE_FILTERS = Set.of("dangling", "label", "label!", "until");
    /** API 1.44 dropped VirtualSize from ImageSummary and ImageInspect. */
    private static final String NO_VIRTUAL_SIZE = "1.44";

    private final ImageService images;

    public ImageRoutes(ImageService images) {
        this.images = images;
    }

    /** {@code POST /images/create?fromImage=} goes to {@code pull} (see DistributionRoutes). */
    private dev.berth.api.http.Handler pull;

    public ImageRoutes withPull(dev.berth.api.http.Handler pull) {
        this.pull = pull;
        return this;
    }

    public void register(Router router) {
        router.post("/images/create", this::create);
        router.get("/images/json", this::list);
        router.post("/images/prune", this::prune);
        router.get("/images/{name*}/json", this::inspect);
        router.post("/images/{name*}/tag", this::tag);
        router.delete("/images/{name*}", this::remove);
    }

    /**
     * {@code POST /images/create?fromSrc=-}: import the request body. The import runs before the
     * stream starts so that a bad change or tar gets a proper error status, as Docker's does when
     * nothing has been flushed yet.
     */
    private void create(Exchange ex) throws Exception {
        Optional<String> fromSrc = ex.query("fromSrc").filter(s -> !s.isEmpty());
        if (fromSrc.isEmpty() && pull != null) {
            pull.handle(ex);
            return;
        }
        if (fromSrc.isEmpty()) {
            String from = ex.query("fromImage").orElse("");
            throw EngineException.of(ErrorKind.NOT_IMPLEMENTED, "pulling images is not supported yet: %s", from);
        }
        if (!fromSrc.get().equals("-")) {
            throw EngineException.of(ErrorKind.NOT_IMPLEMENTED, "importing from a URL is not supported: %s", fromSrc.get());
        }
        Optional<String> repoTag = repoTag(ex.query("repo").orElse(""), ex.query("tag").orElse(""));
        // Docker's comment when none is given: what `docker history` shows for imported images
        String message = ex.query("message").filter(m -> !m.isEmpty()).orElse("Imported from " + fromSrc.get());
        String id = images.importImage(ex.body(), repoTag, ex.queryAll("changes"), message);
        try (OutputStream out = ex.respondStream(200, "application/json")) {
            out.write((Json.string(Map.of("status", id)) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Docker's RepoTagReference: {@code repo} may carry its own tag; {@code tag} overrides it. */
    private static Optional<String> repoTag(String repo, String tag) {
        if (repo.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tag.isEmpty() ? repo : repo + ":" + tag);
    }

    private void list(Exchange ex) {
        Map<String, List<String>> filters = Filters.parse(ex.query("filters").orElse(""), LIST_FILTERS).asMap();
        // Old clients send ?filter=name as a reference filter.
        Optional<String> legacy = ex.query("filter").filter(s -> !s.isEmpty());
        if (legacy.isPresent()) {
            filters = new LinkedHashMap<>(filters);
            filters.put("reference", List.of(legacy.get()));
        }
        boolean virtualSize = ApiVersions.lessThan(ex.apiVersion(), NO_VIRTUAL_SIZE);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Image img : images.list(ex.queryBool("all", false), filters)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Containers", -1);
            m.put("Created", img.created().getEpochSecond());
            m.put("Id", img.id());
            m.put("Labels", labels(img));
            m.put("ParentId", img.parent().orElse(""));
            m.put("RepoDigests", img.repoDigests());
            m.put("RepoTags", img.repoTags());
            m.put("SharedSize", -1);
            m.put("Size", img.size());
            if (virtualSize) {
                m.put("VirtualSize", img.size());
            }
            out.add(m);
        }
        ex.respondJson(200, out);
    }

    private void inspect(Exchange ex) {
        Image img = images.inspect(ex.pathParam("name"));
        ImageConfig c = img.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", img.id());
        m.put("RepoTags", img.repoTags());
        m.put("RepoDigests", img.repoDigests());
        // API 1.52 omits empty Parent, Comment, DockerVersion and Author; older versions always sent them.
        boolean legacy = ApiVersions.lessThan(ex.apiVersion(), "1.52");
        putUnlessEmpty(m, "Parent", img.parent().orElse(""), legacy);
        putUnlessEmpty(m, "Comment", c.comment(), legacy);
        m.put("Created", c.created() != null ? c.created() : Rfc3339.format(img.created()));
        putUnlessEmpty(m, "DockerVersion", c.dockerVersion(), legacy);
        putUnlessEmpty(m, "Author", c.author(), legacy);
        if (ApiVersions.lessThan(ex.apiVersion(), "1.45")) {
            // the config of the container an image was committed from; berth records none, so
            // Docker's empty one (what it shows for imported and loaded images)
            m.put("Container", "");
            m.put("ContainerConfig", inspectConfig(new ImageConfig(null, null, null, null, null, null, null, null,
                    null, null), "1.24"));
        }
        m.put("Config", inspectConfig(c, ex.apiVersion()));
        m.put("Architecture", c.architecture());
        if (c.variant() != null) {
            m.put("Variant", c.variant());
        }
        m.put("Os", c.os());
        m.put("Size", img.size());
        if (ApiVersions.lessThan(ex.apiVersion(), NO_VIRTUAL_SIZE)) {
            m.put("VirtualSize", img.size());
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("Data", graphDriverData(img.layerDirs())); // null for an image without layers
        driver.put("Name", "overlay2");
        m.put("GraphDriver", driver);
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("Type", c.rootfs().type() == null ? "layers" : c.rootfs().type());
        if (!c.rootfs().diffIds().isEmpty()) {
            rootfs.put("Layers", c.rootfs().diffIds()); // omitempty in Docker's RootFS
        }
        m.put("RootFS", rootfs);
        m.put("Metadata", Map.of("LastTagTime",
                img.lastTagTime().map(Rfc3339::format).orElse("0001-01-01T00:00:00Z")));
        ex.respondJson(200, m);
    }

    private static void putUnlessEmpty(Map<String, Object> m, String key, String value, boolean always) {
        if (always || (value != null && !value.isEmpty())) {
            m.put(key, value == null ? "" : value);
        }
    }

    /**
     * The image's container config. Before API 1.52 Docker filled in fields the OCI config omits
     * when empty (moby's legacyConfigFields), and clients of those versions may expect them.
     */
    private static Object inspectConfig(ImageConfig c, String apiVersion) {
        if (!ApiVersions.lessThan(apiVersion, "1.52")) {
            return c.config();
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        if (c.config() != null) {
            Json.MAPPER.convertValue(c.config(), Map.class).forEach((k, v) -> cfg.put(String.valueOf(k), v));
        }
        List<String> keys = new ArrayList<>(List.of("Cmd", "Entrypoint", "Env", "Labels", "OnBuild", "User",
                "Volumes", "WorkingDir"));
        if (ApiVersions.lessThan(apiVersion, "1.50")) {
            keys.addAll(List.of("AttachStderr", "AttachStdin", "AttachStdout", "Domainname", "Hostname", "Image",
                    "OpenStdin", "StdinOnce", "Tty"));
        }
        for (String k : keys) {
            if (!cfg.containsKey(k)) {
                cfg.put(k, switch (k) {
                    case "User", "WorkingDir", "Domainname", "Hostname", "Image" -> "";
                    case "AttachStderr", "AttachStdin", "AttachStdout", "OpenStdin", "StdinOnce", "Tty" -> false;
                    default -> null;
                });
            }
        }
        return cfg;
    }

    /** overlay2's view of an image: the top layer is "upper", the others the lowerdir list (top first). */
    private static Object graphDriverData(List<Path> layerDirs) {
        if (layerDirs.isEmpty()) {
            return null;
        }
        Path top = layerDirs.getLast();
        Map<String, String> d = new LinkedHashMap<>();
        if (layerDirs.size() > 1) {
            List<String> lower = new ArrayList<>();
            for (int i = layerDirs.size() - 2; i >= 0; i--) {
                lower.add(layerDirs.get(i).toString());
            }
            d.put("LowerDir", String.join(":", lower));
        }
        d.put("MergedDir", top.resolveSibling("merged").toString());
        d.put("UpperDir", top.toString());
        d.put("WorkDir", top.resolveSibling("work").toString());
        return d;
    }

    private void tag(Exchange ex) {
        String repo = ex.query("repo").orElse("");
        if (repo.isEmpty()) {
            throw EngineException.invalid("repository name must have at least one component");
        }
        images.tag(ex.pathParam("name"), repoTag(repo, ex.query("tag").orElse("")).orElseThrow());
        ex.respond(201);
    }

    private void remove(Exchange ex) {
        List<DeleteResponseItem> items = images.remove(ex.pathParam("name"), ex.queryBool("force", false),
                ex.queryBool("noprune", false));
        ex.respondJson(200, items);
    }

    private void prune(Exchange ex) {
        Map<String, List<String>> filters = Filters.parse(ex.query("filters").orElse(""), PRUNE_FILTERS).asMap();
        PruneReport r = images.prune(false, filters);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ImagesDeleted", r.deleted().isEmpty() ? null : r.deleted());
        m.put("SpaceReclaimed", r.spaceReclaimed());
        ex.respondJson(200, m);
    }

    private static Map<String, String> labels(Image img) {
        var cfg = img.config().config();
        return cfg == null || cfg.labels() == null ? Map.of() : cfg.labels();
    }
}
