package dev.berth.image;

import dev.berth.common.EngineException;
import dev.berth.oci.ImageReference;
import dev.berth.oci.Rfc3339;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code filters} of image list and prune, validated as Docker does. */
record ImageFilters(Optional<Boolean> dangling, List<String> labels, List<String> notLabels, Optional<String> before,
        Optional<String> since, List<String> references, Optional<Instant> until) {

    private static final Set<String> LIST_KEYS = Set.of("dangling", "label", "before", "since", "reference", "until");
    private static final Set<String> PRUNE_KEYS = Set.of("dangling", "label", "label!", "until");

    static ImageFilters forList(Map<String, List<String>> f) {
        return parse(f, LIST_KEYS);
    }

    static ImageFilters forPrune(Map<String, List<String>> f) {
        return parse(f, PRUNE_KEYS);
    }

    private static ImageFilters parse(Map<String, List<String>> f, Set<String> allowed) {
        for (String k : f.keySet()) {
            if (!allowed.contains(k)) {
                throw EngineException.invalid("invalid filter '%s'", k);
            }
        }
        Optional<Boolean> dangling = Optional.empty();
        for (String v : f.getOrDefault("dangling", List.of())) {
            boolean b = switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw EngineException.invalid("invalid filter 'dangling=%s'", v);
            };
            dangling = Optional.of(b);
        }
        return new ImageFilters(dangling, f.getOrDefault("label", List.of()), f.getOrDefault("label!", List.of()),
                last(f, "before"), last(f, "since"), f.getOrDefault("reference", List.of()),
                last(f, "until").map(ImageFilters::timestamp));
    }

    private static Optional<String> last(Map<String, List<String>> f, String key) {
        List<String> v = f.getOrDefault(key, List.of());
        return v.isEmpty() ? Optional.empty() : Optional.of(v.getLast());
    }

    /** {@code until}: a Go duration before now, unix seconds (fractional allowed) or RFC 3339. */
    static Instant timestamp(String v) {
        try {
            return Instant.now().minusNanos(ChangeParser.duration(v));
        } catch (EngineException notDuration) {
            // try the other forms
        }
        if (v.matches("\\d+(\\.\\d+)?")) {
            java.math.BigDecimal d = new java.math.BigDecimal(v);
            return Instant.ofEpochSecond(d.longValue(), d.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
        }
        return Rfc3339.parse(v).or(() -> Rfc3339.parse(v + "Z"))
                .orElseThrow(() -> EngineException.invalid("failed to parse value %s as a timestamp", v));
    }

    /** All {@code label} filters match and no {@code label!} filter does. */
    boolean labelsMatch(Map<String, String> l) {
        return labels.stream().allMatch(f -> labelMatches(f, l)) && notLabels.stream().noneMatch(f -> labelMatches(f, l));
    }

    private static boolean labelMatches(String filter, Map<String, String> l) {
        int eq = filter.indexOf('=');
        if (eq < 0) {
            return l.containsKey(filter);
        }
        return filter.substring(eq + 1).equals(l.get(filter.substring(0, eq)));
    }

    /** Docker's reference.FamiliarMatch: path.Match against the familiar string, then the familiar name. */
    static boolean familiarMatch(String pattern, ImageReference ref) {
        Pattern p = glob(pattern);
        return p.matcher(ref.familiarString()).matches() || p.matcher(ref.familiarName()).matches();
    }

    /** Go's path.Match as a regex: {@code *} and {@code ?} never match '/'. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            switch (ch) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        throw EngineException.invalid("syntax error in pattern");
                    }
                    String cls = pattern.substring(i + 1, end);
                    re.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1).replace("\\", "\\\\")
                            : cls.replace("\\", "\\\\")).append(']');
                    i = end;
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
