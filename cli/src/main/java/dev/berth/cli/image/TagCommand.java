package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Query;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;

/** {@code tag SOURCE TARGET}: POST /images/{source}/tag?repo=&tag=. */
public final class TagCommand extends Verb {
    String source;
    String target;

    /** Splits "repo[:tag]" (a colon after the last slash is the tag; a digest is not a tag). */
    static String[] repoTag(String ref) {
        int at = ref.indexOf('@');
        String base = at >= 0 ? ref.substring(0, at) : ref;
        int colon = base.lastIndexOf(':');
        if (colon > base.lastIndexOf('/')) return new String[] {base.substring(0, colon), base.substring(colon + 1)};
        return new String[] {base, at >= 0 ? null : "latest"};
    }

    @Override
    protected void define(Spec s) {
        s.about("Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
        s.args("SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", 2, 2, a -> { source = a.get(0); target = a.get(1); });
    }

    @Override
    protected int run(Context ctx) throws Exception {
        String[] rt = repoTag(target);
        ctx.daemon().post(Query.of("/images/%s/tag", source).add("repo", rt[0]).add("tag", rt[1]), null);
        return 0;
    }
}
