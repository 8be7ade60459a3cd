package dev.berth.api.http;

import java.util.Map;

/** A parsed route pattern; see {@link Router}. */
final class RoutePattern {
    private final String[] parts;
    private final int literals;

    private RoutePattern(String[] parts) {
        this.parts = parts;
        int n = 0;
        for (String p : parts) {
            if (!isParam(p)) {
                n++;
            }
        }
        this.literals = n;
    }

    static RoutePattern parse(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
        }
        return new RoutePattern(pattern.substring(1).split("/", -1));
    }

    int literals() {
        return literals;
    }

    boolean match(String[] segments, Map<String, String> params) {
        return match(0, segments, 0, params);
    }

    /**
     * Backtracking match. A star parameter tries the longest span first, so it is greedy but still
     * leaves the segments that the literal suffix needs ({@code /images/{name*}/json}).
     */
    private boolean match(int pi, String[] segs, int si, Map<String, String> params) {
        if (pi == parts.length) {
            return si == segs.length;
        }
        String p = parts[pi];
        if (isStar(p)) {
            int rest = parts.length - pi - 1; // each remaining part takes at least one segment
            for (int end = segs.length - rest; end > si; end--) {
                if (match(pi + 1, segs, end, params)) {
                    params.put(name(p), String.join("/", java.util.Arrays.copyOfRange(segs, si, end)));
                    return true;
                }
            }
            return false;
        }
        if (si == segs.length) {
            return false;
        }
        if (isParam(p)) {
            if (segs[si].isEmpty() || !match(pi + 1, segs, si + 1, params)) {
                return false;
            }
            params.put(name(p), segs[si]);
            return true;
        }
        return p.equals(segs[si]) && match(pi + 1, segs, si + 1, params);
    }

    private static boolean isParam(String p) {
        return p.startsWith("{") && p.endsWith("}");
    }

    private static boolean isStar(String p) {
        return isParam(p) && p.endsWith("*}");
    }

    private static String name(String p) {
        return p.substring(1, p.length() - (isStar(p) ? 2 : 1));
    }
}
