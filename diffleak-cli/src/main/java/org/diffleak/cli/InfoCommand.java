package org.diffleak.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.train.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Prints a model's card (architecture, "
        + "schedule, data, seeds, versions) and its parameter count.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, description = "model directory")
    Path model;

    @Override
    public Integer call() {
        ModelCard card = ModelStore.readCard(model);
        long params = new UNet(card.unet()).specs().stream().mapToLong(ParamSpec::size).sum();
        var out = spec.commandLine().getOut();
        out.println(Json.toJson(card));
        out.println("parameters: " + params);
        return 0;
    }
}
