package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.JobConfig;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.Datasets;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Provenance;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a DDPM denoiser from a YAML job (configs/*.yaml or a preset); flags override it."
                + " Writes RUN/model (card + weights), RUN/checkpoints, RUN/splits.json and RUN/job.json."
                + " With --table FILE.csv it trains a TabDDPM table model instead (--steps, --batch-size, --lr, --warmup,"
                + " --ema, --checkpoint-every, --seed, --out and --resume apply; RUN/model holds table-model.json).")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "YAML job file")
    Path config;

    @Option(names = "--preset", defaultValue = "tiny", description = "embedded job when no --config: tiny or base (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = {"-o", "--out"}, description = "run directory (default runs/NAME)")
    Path out;

    @Option(names = "--resume", description = "continue from the run's newest checkpoint")
    boolean resume;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "fine-tune: start from this model's weights")
    Path initFrom;

    @Option(names = "--steps", description = "total optimizer steps") Integer steps;
    @Option(names = "--batch-size") Integer batchSize;
    @Option(names = "--lr", description = "peak learning rate") Double lr;
    @Option(names = "--warmup", description = "warm-up steps") Integer warmup;
    @Option(names = "--ema", description = "EMA decay") Double ema;
    @Option(names = "--checkpoint-every") Integer checkpointEvery;
    @Option(names = "--seed") Long seed;
    @Option(names = "--dataset", description = "fashion-mnist, mnist or folder") String dataset;
    @Option(names = "--data-dir", description = "where the dataset's files are") String dataDir;
    @Option(names = "--split", description = "public, members, nonmembers, auxiliary or all") String split;
    @Option(names = "--limit", description = "at most this many images of the split (0 = all)") Integer limit;
    @Option(names = "--classes", description = "class-conditional with this many classes (0 = unconditional)") Integer classes;
    @Option(names = "--label-dropout", description = "null-label probability for classifier-free guidance") Double labelDropout;

    @Option(names = "--table", paramLabel = "FILE.csv", description = "train a tabular diffusion model (TabDDPM) on this CSV")
    Path table;
    @Option(names = "--drop", split = ",", paramLabel = "COLUMN", description = "table: columns to leave out (identifiers)")
    List<String> drop = List.of();
    @Option(names = "--categorical", split = ",", paramLabel = "COLUMN", description = "table: columns to model as categories")
    List<String> categorical = List.of();
    @Option(names = "--numeric", split = ",", paramLabel = "COLUMN", description = "table: columns to model as numbers")
    List<String> numeric = List.of();
    @Option(names = "--hidden", split = ",", description = "table: hidden layer widths of the MLP denoiser (default 256,256)")
    List<Integer> hidden;

    @Option(names = "--dp", description = "train with DP-SGD (Poisson sampling at q = batch/N, per-sample clipping, Gaussian noise)")
    boolean dp;
    @Option(names = "--target-epsilon", description = "DP: ε budget; σ is calibrated to it and training stops before exceeding it")
    Double targetEpsilon;
    @Option(names = "--noise-multiplier", description = "DP: σ (instead of calibrating to --target-epsilon)")
    Double noiseMultiplier;
    @Option(names = "--delta", defaultValue = "1e-5", description = "DP: δ (default ${DEFAULT-VALUE})")
    double delta;
    @Option(names = "--clip", defaultValue = "1.0", description = "DP: per-sample gradient norm bound C (default ${DEFAULT-VALUE})")
    double clip;
    @Option(names = "--secure-rng", description = "DP: draw the noise from a secure generator (not reproducible, slower)")
    boolean secureRng;

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        if (table != null) {
            return trainTable(log);
        }
        JobConfig job = overrides(config != null ? JobConfig.read(config) : JobConfig.preset(preset));
        Path runDir = out != null ? out : Path.of("runs", job.name());
        long existing = DiffusionTrainer.checkpointStep(runDir);
        if (existing > 0 && !resume) {
            throw new DataException(runDir + " already holds a checkpoint at step " + existing
                    + "; pass --resume to continue it or --out to start elsewhere");
        }
        ImageDataset all = Datasets.load(job.data(), log);
        Splits splits = Datasets.splits(job.splits(), all.size());
        ImageDataset data = Datasets.select(all, splits, job.data());
        splits.save(runDir.resolve("splits.json"));
        Json.write(runDir.resolve("job.json"), job);
        log.printf("training %s on %d images of %s (%s split), %d steps of %d%n", job.name(), data.size(),
                all.name(), job.data().split(), job.train().steps(), job.train().batchSize());

        UNet unet = new UNet(job.model());
        ModelCard template = new ModelCard("unet-denoiser", job.model(), job.schedule(), job.train(),
                job.data().dataset(), job.data().split(), data.size(), 0, Double.NaN,
                initFrom == null ? null : initFrom.toString(), Provenance.collect(TorchRuntime.versions()), null);
        DpSgdConfig dpConfig = dpConfig();
        DiffusionTrainer trainer = new DiffusionTrainer(unet, job.schedule().build(), job.train(), runDir, dpConfig);
        ConsoleProgress progress = ConsoleProgress.forConsole(log);
        if (initFrom == null) {
            trainer.train(data, template, null, resume, progress);
        } else {
            try (NDManager m = TorchRuntime.newManager(); ModelStore.Loaded base = ModelStore.load(initFrom, true, m)) {
                if (!base.card().unet().equals(job.model())) {
                    throw new DataException(initFrom + ": its architecture " + base.card().unet()
                            + " differs from the job's " + job.model());
                }
                trainer.train(data, template, base.params(), resume, progress);
            }
        }
        return 0;
    }

    /** The DP-SGD settings of --dp, or null without it (and an error for DP options without --dp). */
    private DpSgdConfig dpConfig() {
        if (!dp) {
            if (targetEpsilon != null || noiseMultiplier != null || secureRng) {
                throw new IllegalArgumentException("--target-epsilon, --noise-multiplier and --secure-rng need --dp");
            }
            return null;
        }
        DpSgdConfig c = new DpSgdConfig(clip, noiseMultiplier == null ? 0 : noiseMultiplier,
                targetEpsilon == null ? 0 : targetEpsilon, delta, secureRng);
        if (!secureRng) {
            spec.commandLine().getErr().println("diffleak: warning: DP noise comes from a seeded generator, which"
                    + " makes runs reproducible but is not cryptographically secure; use --secure-rng for a release");
        }
        return c;
    }

    private int trainTable(PrintWriter log) {
        if (config != null || initFrom != null || dataset != null || classes != null) {
            throw new IllegalArgumentException("--table trains a table model; --config, --init-from, --dataset and"
                    + " --classes apply to image models only");
        }
        TrainConfig d = TableCommands.DEFAULT_TRAIN;
        TrainConfig t = new TrainConfig(steps != null ? steps : d.steps(), batchSize != null ? batchSize : d.batchSize(),
                lr != null ? lr : d.learningRate(), warmup != null ? warmup : d.warmupSteps(), d.weightDecay(),
                d.gradClip(), ema != null ? ema : d.emaDecay(), 0, checkpointEvery != null ? checkpointEvery
                : d.checkpointEvery(), seed != null ? seed : d.seed());
        TabDdpmConfig small = TabDdpmConfig.small();
        TabDdpmConfig model = hidden == null ? small : new TabDdpmConfig(hidden, small.timeDim(), small.schedule());
        String name = table.getFileName().toString().replaceFirst("\\.csv$", "");
        TableCommands.train(table, TableCommands.schema(drop, categorical, numeric), model, t, dpConfig(),
                out != null ? out : Path.of("runs", name), resume, log, ConsoleProgress.forConsole(log));
        return 0;
    }

    private JobConfig overrides(JobConfig job) {
        TrainConfig t = job.train();
        t = new TrainConfig(steps != null ? steps : t.steps(), batchSize != null ? batchSize : t.batchSize(),
                lr != null ? lr : t.learningRate(), warmup != null ? warmup : t.warmupSteps(), t.weightDecay(),
                t.gradClip(), ema != null ? ema : t.emaDecay(), labelDropout != null ? labelDropout : t.labelDropout(),
                checkpointEvery != null ? checkpointEvery : t.checkpointEvery(), seed != null ? seed : t.seed());
        DataConfig d = job.data();
        d = new DataConfig(dataset != null ? dataset : d.dataset(), dataDir != null ? dataDir : d.path(),
                d.attributes(), d.channels(), d.size(), split != null ? split : d.split(),
                limit != null ? limit : d.limit());
        JobConfig j = job.withTrain(t).withData(d);
        if (classes != null) {
            j = j.withModel(j.model().withClasses(classes));
        }
        return j;
    }
}
