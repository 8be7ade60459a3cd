package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Spec;
import dev.berth.cli.Verb;
import dev.berth.cli.system.InspectCommand;
import java.util.List;

public final class ImageInspectCommand extends Verb {
    String format;
    List<String> images;

    @Override
    protected void define(Spec s) {
        s.about("Display detailed information on one or more images");
        s.string("-f, --format", "Format output using a custom template", v -> format = v);
        s.args("IMAGE [IMAGE...]", 1, Spec.MANY, a -> images = a);
    }

    @Override
    protected int run(Context ctx) throws Exception {
        return InspectCommand.inspect(ctx, images, "image", format, false);
    }
}
