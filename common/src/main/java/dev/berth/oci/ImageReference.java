package dev.berth.oci;

import dev.berth.common.EngineException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A normalized image reference, parsed exactly as Docker's distribution/reference
 * {@code ParseNormalizedNamed} does: {@code busybox} is {@code docker.io/library/busybox},
 * {@code localhost:5000/a/b:t} keeps its registry. No default tag is added by {@link #parse};
 * call {@link #withDefaultTag()} for Docker's {@code TagNameOnly}.
 *
 * @param domain registry host (and port), e.g. {@code docker.io}
 * @param path repository path within the registry, e.g. {@code library/busybox}
 * @param tag the tag, if any
 * @param digest the digest ({@code sha256:...}), if any
 */
public record ImageReference(String domain, String path, Optional<String> tag, Optional<String> digest) {
    public static final String DEFAULT_DOMAIN = "docker.io";
    public static final String DEFAULT_TAG = "latest";
    private static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    private static final String OFFICIAL_PREFIX = "library/";
    private static final int NAME_MAX = 255;

    // The grammar of distribution/reference/regexp.go, piece by piece.
    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    private static final String HOST = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|" + IPV6 + ")";
    private static final String DOMAIN_AND_PORT = HOST + "(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final String REMOTE_NAME = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
    private static final String NAME = "(?:(" + DOMAIN_AND_PORT + ")/)?(" + REMOTE_NAME + ")";
    private static final Pattern REFERENCE = Pattern.compile("^(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?$");
    private static final Pattern TAG_ONLY = Pattern.compile("^" + TAG + "$");
    private static final Pattern IDENTIFIER = Pattern.compile("^[a-f0-9]{64}$");

    public ImageReference {
        tag = tag == null ? Optional.empty() : tag;
        digest = digest == null ? Optional.empty() : digest;
    }

    /** True for a full 64-hex image id, which Docker refuses as a repository name. */
    public static boolean isFullId(String s) {
        return IDENTIFIER.matcher(s).matches();
    }

    /** True if {@code s} is a valid tag. */
    public static boolean isValidTag(String s) {
        return TAG_ONLY.matcher(s).matches();
    }

    /**
     * Parses and normalizes a reference the way the Docker CLI and daemon do.
     *
     * @throws EngineException INVALID_ARGUMENT with Docker's message ("invalid reference format", ...)
     */
    public static ImageReference parse(String s) {
        if (IDENTIFIER.matcher(s).matches()) {
            throw EngineException.invalid(
                    "invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s);
        }
        String[] split = splitDockerDomain(s);
        String domain = split[0];
        String remainder = split[1];
        // The check is on the remainder only (registry hosts may have upper case), cut at the first
        // ':' exactly as Docker does.
        int colon = remainder.indexOf(':');
        String nameOnly = colon >= 0 ? remainder.substring(0, colon) : remainder;
        if (!nameOnly.toLowerCase(Locale.ROOT).equals(nameOnly)) {
            throw EngineException.invalid("invalid reference format: repository name (%s) must be lowercase", nameOnly);
        }
        return parseRaw(domain + "/" + remainder);
    }

    /** Docker's {@code reference.Parse} on an already-normalized string. */
    private static ImageReference parseRaw(String s) {
        Matcher m = REFERENCE.matcher(s);
        if (!m.matches()) {
            if (s.isEmpty()) {
                throw EngineException.invalid("invalid reference format: repository name must have at least one component");
            }
            if (REFERENCE.matcher(s.toLowerCase(Locale.ROOT)).matches()) {
                throw EngineException.invalid("invalid reference format: repository name must be lowercase");
            }
            throw EngineException.invalid("invalid reference format");
        }
        if (m.group(1).length() > NAME_MAX) {
            throw EngineException.invalid("invalid reference format: repository name must not be more than 255 characters");
        }
        String domain = m.group(2);
        String path = m.group(3);
        return new ImageReference(domain, path, Optional.ofNullable(m.group(4)), Optional.ofNullable(m.group(5)));
    }

    private static String[] splitDockerDomain(String name) {
        String domain;
        String remainder;
        int i = name.indexOf('/');
        String first = i < 0 ? "" : name.substring(0, i);
        if (i < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.toLowerCase(Locale.ROOT).equals(first))) {
            domain = DEFAULT_DOMAIN;
            remainder = name;
        } else {
            domain = first;
            remainder = name.substring(i + 1);
        }
        if (domain.equals(LEGACY_DEFAULT_DOMAIN)) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && !remainder.contains("/")) {
            remainder = OFFICIAL_PREFIX + remainder;
        }
        return new String[] {domain, remainder};
    }

    /** Docker's TagNameOnly: adds {@code :latest} when there is neither tag nor digest. */
    public ImageReference withDefaultTag() {
        return tag.isEmpty() && digest.isEmpty() ? withTag(DEFAULT_TAG) : this;
    }

    public ImageReference withTag(String newTag) {
        if (!isValidTag(newTag)) {
            throw EngineException.invalid("invalid tag format");
        }
        return new ImageReference(domain, path, Optional.of(newTag), Optional.empty());
    }

    /** The repository name, {@code docker.io/library/busybox}. */
    public String name() {
        return domain + "/" + path;
    }

    /** The repository name as users write it: {@code busybox}, {@code localhost:5000/a/b}. */
    public String familiarName() {
        if (domain.equals(DEFAULT_DOMAIN)) {
            if (path.startsWith(OFFICIAL_PREFIX) && path.indexOf('/', OFFICIAL_PREFIX.length()) < 0) {
                return path.substring(OFFICIAL_PREFIX.length());
            }
            return path;
        }
        return name();
    }

    /** {@code busybox:latest}, {@code localhost:5000/a/b:t}, {@code busybox@sha256:...}. */
    public String familiarString() {
        return familiarName() + suffix();
    }

    private String suffix() {
        return tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }

    /** The fully-qualified form, {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }
}
