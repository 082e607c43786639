package org.diffleak.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The main job on the embedded default: fetch Fashion-MNIST if absent, train the tiny preset"
                + " (resuming an interrupted run), and write a grid of samples.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, defaultValue = "runs/demo", description = "run directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--steps", description = "override the tiny preset's step count")
    Integer steps;

    @Override
    public Integer call() {
        var root = spec.root().commandLine();
        var log = spec.commandLine().getOut();
        Path run = out;
        List<String> train = new ArrayList<>(List.of("train", "--preset", "tiny", "--out", run.toString()));
        if (steps != null) {
            train.addAll(List.of("--steps", steps.toString()));
        }
        if (DiffusionTrainer.checkpointStep(run) > 0) {
            train.add("--resume");
        }
        boolean trained = Files.isRegularFile(run.resolve("model").resolve(ModelStore.CARD)) && steps == null;
        if (!trained) {
            int rc = root.execute(train.toArray(String[]::new));
            if (rc != 0) {
                return rc;
            }
        }
        Path grid = run.resolve("samples.png");
        int rc = root.execute("sample", "--model", run.resolve("model").toString(), "--count", "64", "--out",
                grid.toString());
        if (rc == 0) {
            log.println("demo done: model in " + run.resolve("model") + ", samples in " + grid);
        }
        return rc;
    }
}
