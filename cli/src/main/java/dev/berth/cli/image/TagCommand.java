package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Verb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tag SOURCE TARGET}: POST /images/{source}/tag?repo=&tag=. */
@Command(name = "tag", description = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
public final class TagCommand extends Verb {
    @Parameters(index = "0", paramLabel = "SOURCE_IMAGE[:TAG]") String source;
    @Parameters(index = "1", paramLabel = "TARGET_IMAGE[:TAG]") String target;

    /** Splits "repo[:tag]" (a colon after the last slash is the tag; a digest is not a tag). */
    static String[] repoTag(String ref) {
        int at = ref.indexOf('@');
        String base = at >= 0 ? ref.substring(0, at) : ref;
        int colon = base.lastIndexOf(':');
        if (colon > base.lastIndexOf('/')) return new String[] {base.substring(0, colon), base.substring(colon + 1)};
        return new String[] {base, at >= 0 ? null : "latest"};
    }

    @Override
    protected int run(Context ctx) throws Exception {
        String[] rt = repoTag(target);
        ctx.daemon().post(Query.of("/images/%s/tag", source).add("repo", rt[0]).add("tag", rt[1]), null);
        return 0;
    }
}
