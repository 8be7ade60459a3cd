package dev.berth.api.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a method and an unversioned path to a handler. Patterns are literal segments, {@code {param}}
 * (one segment) and {@code {name*}} (one or more segments, for image names like
 * {@code localhost:5000/a/b:tag}). When several routes match, the one with more literal segments wins,
 * then the one registered first. A path known only under another method is 404, as in Docker.
 * HEAD falls back to the GET route (without a body).
 */
public final class Router {
    private final List<Route> routes = new ArrayList<>();

    public Router get(String pattern, Handler h) {
        return route("GET", pattern, h);
    }

    public Router post(String pattern, Handler h) {
        return route("POST", pattern, h);
    }

    public Router put(String pattern, Handler h) {
        return route("PUT", pattern, h);
    }

    public Router delete(String pattern, Handler h) {
        return route("DELETE", pattern, h);
    }

    public Router head(String pattern, Handler h) {
        return route("HEAD", pattern, h);
    }

    /** Registers a route for any method. */
    public Router route(String method, String pattern, Handler h) {
        routes.add(new Route(method, RoutePattern.parse(pattern), h));
        return this;
    }

    record Match(Handler handler, Map<String, String> params) {}

    private record Route(String method, RoutePattern pattern, Handler handler) {}

    /** The best route for the request, or null; params are still percent-encoded. */
    Match match(String method, String path) {
        Match m = matchExact(method, path);
        if (m == null && method.equals("HEAD")) {
            m = matchExact("GET", path);
        }
        return m;
    }

    private Match matchExact(String method, String path) {
        if (!path.startsWith("/")) {
            return null;
        }
        String[] segments = path.substring(1).split("/", -1);
        Match best = null;
        int bestScore = -1;
        for (Route r : routes) {
            if (!r.method.equals(method) || r.pattern.literals() <= bestScore) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            if (r.pattern.match(segments, params)) {
                best = new Match(r.handler, params);
                bestScore = r.pattern.literals();
            }
        }
        return best;
    }
}
