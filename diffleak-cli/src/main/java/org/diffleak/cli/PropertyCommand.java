package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.io.DataException;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.TablePropertyResults;
import org.diffleak.core.report.PropertyReportWriter;
import org.diffleak.core.report.TablePropertyReportWriter;
import org.diffleak.core.table.CategoricalColumn;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableProperty;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.diffusion.ClassifierGuidance;
import org.diffleak.torch.property.PropertyStudy;
import org.diffleak.torch.property.TablePropertyStudy;
import org.diffleak.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "property", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Property inference from synthetic data: fine-tunes targets at chosen property shares, estimates"
                + " each share from the target's samples (classifier count, shadow regression), then releases the same"
                + " targets through the private sampler and DP-SGD, and writes a report directory. With --table, the same on"
                + " a CSV: TabDDPM targets, property COLUMN=VALUE or COLUMN>x, utility as fidelity and ML efficacy.")
final class PropertyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--property", defaultValue = "footwear",
            description = "footwear, tops, trouser, dress, bag, or class labels like 5,7,9; with --table COLUMN=VALUE or"
                    + " COLUMN>x (default ${DEFAULT-VALUE})") String property;
    @Option(names = "--base", defaultValue = "models/base", description = "base model (default ${DEFAULT-VALUE})") Path base;
    @Option(names = "--shares", defaultValue = "0.1,0.3,0.5,0.7,0.9", description = "targets' shares (default ${DEFAULT-VALUE})") String shares;
    @Option(names = "--shadow-shares", defaultValue = "0.1,0.5,0.9", description = "shadows' shares (default ${DEFAULT-VALUE})") String shadowShares;
    @Option(names = "--target-size", defaultValue = "1000", description = "images per target and shadow (default ${DEFAULT-VALUE})") int targetSize;
    @Option(names = "--steps", defaultValue = "1000", description = "fine-tuning steps (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--batch", defaultValue = "32", description = "fine-tuning batch (default ${DEFAULT-VALUE})") int batch;
    @Option(names = "--lr", defaultValue = "1e-3", description = "fine-tuning learning rate (default ${DEFAULT-VALUE})") double lr;
    @Option(names = {"-n", "--samples"}, defaultValue = "200", description = "samples per model (default ${DEFAULT-VALUE})") int samples;
    @Option(names = "--ddim-steps", defaultValue = "20", description = "DDIM steps (default ${DEFAULT-VALUE})") int ddimSteps;
    @Option(names = "--target-share", defaultValue = "0.5", description = "private sampler's p* (default ${DEFAULT-VALUE})") double targetShare;
    @Option(names = "--guidance", defaultValue = "0", description = "private sampler's guidance scale (default ${DEFAULT-VALUE})") double guidance;
    @Option(names = "--guidance-input", defaultValue = "x0",
            description = "what the guide judges: noisy (x_t) or x0 (the predicted clean image) (default ${DEFAULT-VALUE})") String guidanceInput;
    @Option(names = "--max-attempts", defaultValue = "30",
            description = "private sampler: draws per sample until the owner's check classifier agrees (default ${DEFAULT-VALUE})") int maxAttempts;
    @Option(names = "--dp-epsilons", defaultValue = "1,8", description = "ε of DP-SGD targets, empty for none (default ${DEFAULT-VALUE})") String dpEpsilons;
    @Option(names = "--dp-share", defaultValue = "0.9", description = "share of the DP-SGD targets (default ${DEFAULT-VALUE})") double dpShare;
    @Option(names = "--classifier-steps", defaultValue = "600", description = "steps of each clean classifier (default ${DEFAULT-VALUE})") int classifierSteps;
    @Option(names = "--guide-steps", defaultValue = "1500", description = "steps of the noise-aware classifier (default ${DEFAULT-VALUE})") int guideSteps;
    @Option(names = "--calibration", defaultValue = "2000", description = "attacker images measuring TPR/FPR (default ${DEFAULT-VALUE})") int calibration;
    @Option(names = "--held-out", defaultValue = "1000", description = "real images for the Fréchet distance (default ${DEFAULT-VALUE})") int heldOut;
    @Option(names = "--bootstrap", defaultValue = "500", description = "bootstrap replicates (default ${DEFAULT-VALUE})") int bootstrap;
    @Option(names = "--grid", defaultValue = "32", description = "samples shown per setting (default ${DEFAULT-VALUE})") int grid;
    @Option(names = "--data-dir", description = "Fashion-MNIST IDX directory (default: the Debian package's)") Path dataDir;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--cache", defaultValue = "runs/property-cache", description = "models and samples (default ${DEFAULT-VALUE})") Path cache;
    @Option(names = {"-o", "--out"}, defaultValue = "runs/property", description = "report directory (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--table", paramLabel = "FILE.csv", description = "property inference on a table (TabDDPM targets);"
            + " --property is then COLUMN=VALUE or COLUMN>x") Path table;
    @Option(names = "--label-column", description = "tables: the column ML efficacy predicts (default: the first"
            + " categorical column other than the property's)") String labelColumn;
    @Option(names = "--sampler", defaultValue = "ddim", description = "tables: ddim or ddpm (default ${DEFAULT-VALUE})") String sampler;
    @Option(names = "--hidden", split = ",", description = "tables: TabDDPM hidden widths (default 256,256)") List<Integer> hidden;
    @Option(names = "--drop", split = ",", description = "tables: columns to leave out (identifiers)") List<String> drop;
    @Option(names = "--json", description = "tables: print results.json (per release: true share, estimates, utility)"
            + " on stdout, the log on stderr") boolean json;

    @Override
    public Integer call() {
        if (table != null) {
            return callTable();
        }
        PrintWriter log = spec.commandLine().getOut();
        BinaryProperty prop = BinaryProperty.parse(property);
        var settings = new PropertyStudy.Settings(prop, base, parseShares("--shares", shares),
                parseShares("--shadow-shares", shadowShares), targetSize, steps, batch, lr, samples, ddimSteps, targetShare,
                guidance, guidanceMode(guidanceInput), maxAttempts, dpEpsilons.isBlank() ? new double[0] : ReconstructCommand.parseEpsilons(dpEpsilons), dpShare,
                classifierSteps, guideSteps, calibration, heldOut, bootstrap, grid, seed);
        var data = PropertyStudy.Data.fashionMnist(base, dataDir, seed, log);
        log.printf(Locale.ROOT, "property %s %s: targets at %s, shadows at %s, %d samples each; private sampler p* = %s,"
                + " guidance %s%n", prop.name(), new java.util.TreeSet<>(prop.classes()), shares, shadowShares, samples, targetShare, guidance);
        PropertyResults r;
        try (NDManager m = TorchRuntime.newManager()) {
            r = new PropertyStudy(settings, cache, log, task -> ConsoleProgress.forConsole(log)).run(data, m);
        }
        PropertyReportWriter.write(r, out);
        log.printf("report: %s%n", out.resolve(PropertyReportWriter.HTML));
        return 0;
    }

    /**
     * The table study; table defaults where the image ones do not fit: 2,000 steps of 256 at lr 2e-3, 1,000 rows
     * released, guidance 1.
     */
    private int callTable() {
        PrintWriter log = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        var matched = spec.commandLine().getParseResult();
        TableProperty prop = TableProperty.parse(property);
        TrainConfig d = TableCommands.DEFAULT_TRAIN;
        TrainConfig train = new TrainConfig(matched.hasMatchedOption("--steps") ? steps : d.steps(),
                matched.hasMatchedOption("--batch") ? batch : d.batchSize(), matched.hasMatchedOption("--lr") ? lr
                : d.learningRate(), d.warmupSteps(), d.weightDecay(), d.gradClip(), d.emaDecay(), 0,
                d.checkpointEvery(), seed);
        TabDdpmConfig small = TabDdpmConfig.small();
        TabDdpmConfig model = hidden == null ? small : new TabDdpmConfig(hidden, small.timeDim(), small.schedule());
        Table t = TableCommands.read(table, TableCommands.schema(drop == null ? List.of() : drop, List.of(), List.of()),
                log);
        prop.evaluateBothValues(t);
        String label = labelColumn != null ? labelColumn : t.categorical().stream().map(CategoricalColumn::name)
                .filter(n -> !n.equals(prop.column())).findFirst().orElseThrow(() -> new DataException(table
                        + ": no categorical column besides the property's for ML efficacy; give --label-column"));
        var settings = new TablePropertyStudy.Settings(prop, label, parseShares("--shares", shares),
                parseShares("--shadow-shares", shadowShares), targetSize, train, model,
                matched.hasMatchedOption("--samples") ? samples : 1000, sampler, ddimSteps, targetShare,
                matched.hasMatchedOption("--guidance") ? guidance : 1.0,
                dpEpsilons.isBlank() ? new double[0] : ReconstructCommand.parseEpsilons(dpEpsilons), dpShare, bootstrap,
                seed);
        TablePropertyResults r = new TablePropertyStudy(settings, cache, log,
                task -> json ? ProgressListener.NONE : ConsoleProgress.forConsole(log)).run(t);
        TablePropertyReportWriter.write(r, out);
        if (json) {
            spec.commandLine().getOut().println(Json.toJson(TablePropertyReportWriter.json(r)));
        }
        log.printf(Locale.ROOT, "undefended MAE: classifier count %.4f, shadow regression %.4f; private sampler's mean"
                + " distance to p* = %s: %.4f%n", r.meanAbsoluteError(PropertyResults.UNDEFENDED, false),
                r.meanAbsoluteError(PropertyResults.UNDEFENDED, true), targetShare, r.privateDistance(targetShare));
        log.printf("report: %s%n", out.resolve(PropertyReportWriter.HTML));
        return 0;
    }

    static ClassifierGuidance.Mode guidanceMode(String input) {
        return switch (input) {
            case "noisy" -> ClassifierGuidance.Mode.NOISY;
            case "x0" -> ClassifierGuidance.Mode.PREDICTED_X0;
            default -> throw new IllegalArgumentException("--guidance-input must be noisy or x0, got " + input);
        };
    }

    static double[] parseShares(String option, String list) {
        String[] parts = list.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": not a number: '" + parts[i] + "'");
            }
            if (!(v[i] >= 0 && v[i] <= 1)) {
                throw new IllegalArgumentException(option + ": each share must be in [0, 1], got " + parts[i]);
            }
        }
        return v;
    }
}
