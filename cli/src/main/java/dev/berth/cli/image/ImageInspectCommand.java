package dev.berth.cli.image;

import dev.berth.cli.Context;
import dev.berth.cli.Verb;
import dev.berth.cli.system.InspectCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", description = "Display detailed information on one or more images")
public final class ImageInspectCommand extends Verb {
    @Option(names = {"-f", "--format"}, description = "Format output using a custom template") String format;
    @Parameters(arity = "1..*", paramLabel = "IMAGE") List<String> images;

    @Override
    protected int run(Context ctx) throws Exception {
        return InspectCommand.inspect(ctx, images, "image", format, false);
    }
}
