package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.Datasets;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.DataException;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.reconstruction.ReconstructionResults.Summary;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.report.ReconstructionReportWriter;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.reconstruction.DiffusionPriorReconstruction;
import org.diffleak.torch.reconstruction.ReconstructionExperiment;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reconstruct", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Visual privacy audit: releases each target image under DP at each ε (Gaussian mechanism on the"
                + " image, or a DP-SGD first-layer gradient), reconstructs it naively, by Wiener filtering and with the"
                + " diffusion model as prior, and writes metrics, ReRo and prior-free bounds, image panels and leakage"
                + " heatmaps to a report directory.")
final class ReconstructCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = "models/base",
            description = "the prior: model directory, .pt or .onnx (default ${DEFAULT-VALUE})") Path model;
    @Option(names = "--epsilons", defaultValue = "1,2,4,8,16,inf", description = "ε values, inf = no noise (default ${DEFAULT-VALUE})") String epsilons;
    @Option(names = "--images", defaultValue = "100", description = "target images (default ${DEFAULT-VALUE})") int images;
    @Option(names = "--mechanism", defaultValue = "image", description = "image or gradient (default ${DEFAULT-VALUE})") String mechanism;
    @Option(names = "--splits", description = "splits.json (default: MODEL/splits.json)") Path splitsFile;
    @Option(names = "--targets", defaultValue = "nonmembers", description = "split of the targets (default ${DEFAULT-VALUE})") String targetSplit;
    @Option(names = "--auxiliary", defaultValue = "auxiliary",
            description = "the adversary's split: Wiener prior, κ and encoder (default ${DEFAULT-VALUE})") String auxSplit;
    @Option(names = "--delta", defaultValue = "1e-5", description = "δ (default ${DEFAULT-VALUE})") double delta;
    @Option(names = {"-q", "--sample-rate"}, defaultValue = "1",
            description = "q of the training run the release belongs to (default ${DEFAULT-VALUE}: one release)") double sampleRate;
    @Option(names = "--steps", defaultValue = "1", description = "T of that run (default ${DEFAULT-VALUE})") long steps;
    @Option(names = "--clip", description = "clip norm C in the [−1, 1] data scale (default: √(C·H·W) for image, 1 for gradient)") Double clip;
    @Option(names = "--hidden", defaultValue = "64", description = "gradient: first-layer width (default ${DEFAULT-VALUE})") int hidden;
    @Option(names = "--eta", defaultValue = "0.02", description = "success threshold η on MSE in [0, 1] pixels (default ${DEFAULT-VALUE})") double eta;
    @Option(names = "--process", defaultValue = "ddim", description = "ddim or ddpm (default ${DEFAULT-VALUE})") String process;
    @Option(names = "--ddim-steps", defaultValue = "10", description = "DDIM steps over the schedule (default ${DEFAULT-VALUE})") int ddimSteps;
    @Option(names = "--ddim-eta", defaultValue = "1", description = "DDIM η (default ${DEFAULT-VALUE})") double ddimEta;
    @Option(names = {"-k", "--samples"}, defaultValue = "4", description = "diffusion runs K per image (default ${DEFAULT-VALUE})") int samples;
    @Option(names = "--consistency", defaultValue = "0", description = "data-consistency weight λ in [0, 1] (default ${DEFAULT-VALUE})") double consistency;
    @Option(names = "--mean-ratio", defaultValue = "1",
            description = "the diffusion mean averages Tweedie's x̂₀ of the K runs at the first step whose noise-to-signal"
                    + " ratio √(1−ᾱ_t)/√ᾱ_t is at most this (0: the final samples; default ${DEFAULT-VALUE})") double meanRatio;
    @Option(names = "--bank", defaultValue = "400",
            description = "prior samples generated once for the importance-weighted part of the diffusion mean, 0 for"
                    + " none (default ${DEFAULT-VALUE})") int bank;
    @Option(names = "--batch", defaultValue = "128") int batch;
    @Option(names = "--rero-samples", defaultValue = "20000", description = "Monte Carlo samples of the ReRo bound (default ${DEFAULT-VALUE})") int reroSamples;
    @Option(names = "--panel", defaultValue = "8", description = "images shown per ε (default ${DEFAULT-VALUE})") int panel;
    @Option(names = "--encoder", defaultValue = "runs/cache/encoders/reconstruct-aux",
            description = "encoder directory: loaded if present, else trained on the auxiliary split and saved (default ${DEFAULT-VALUE})") Path encoderDir;
    @Option(names = "--encoder-steps", defaultValue = "400") int encoderSteps;
    @Option(names = "--dataset", defaultValue = "fashion-mnist") String dataset;
    @Option(names = "--data-dir") String dataDir;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = {"-o", "--out"}, defaultValue = "runs/reconstruct", description = "report directory (default ${DEFAULT-VALUE})") Path out;

    @Override
    public Integer call() {
        double[] eps = parseEpsilons(epsilons);
        if (images < 1 || panel < 0) {
            throw new IllegalArgumentException("--images must be ≥ 1 and --panel ≥ 0");
        }
        if (!(eta > 0)) {
            throw new IllegalArgumentException("--eta must be > 0, got " + eta);
        }
        if (clip != null && !(clip > 0)) {
            throw new IllegalArgumentException("--clip must be > 0, got " + clip);
        }
        if (hidden < 1) {
            throw new IllegalArgumentException("--hidden must be ≥ 1, got " + hidden);
        }
        ReconstructionExperiment.Mechanism mech = switch (mechanism) {
            case "image" -> ReconstructionExperiment.Mechanism.IMAGE;
            case "gradient" -> ReconstructionExperiment.Mechanism.GRADIENT;
            default -> throw new IllegalArgumentException("--mechanism must be image or gradient, got " + mechanism);
        };
        DiffusionPriorReconstruction.Process proc = switch (process) {
            case "ddim" -> DiffusionPriorReconstruction.Process.DDIM;
            case "ddpm" -> DiffusionPriorReconstruction.Process.DDPM;
            default -> throw new IllegalArgumentException("--process must be ddim or ddpm, got " + process);
        };
        var diffusion = new DiffusionPriorReconstruction.Settings(proc, ddimSteps, ddimEta, samples, consistency, batch,
                meanRatio);
        Path sf = splitsFile != null ? splitsFile : Files.isDirectory(model) ? model.resolve("splits.json") : null;
        if (sf == null || !Files.isRegularFile(sf)) {
            throw new DataException("no splits file: pass --splits (the splits.json written beside the training run)");
        }
        Splits splits = Splits.load(sf);
        PrintWriter log = spec.commandLine().getOut();
        try (NDManager m = TorchRuntime.newManager(); CloseableDenoiser d = Denoisers.load(model, m)) {
            int dim = d.channels() * d.imageSize() * d.imageSize();
            double c = clip != null ? clip : mech == ReconstructionExperiment.Mechanism.IMAGE ? Math.sqrt(dim) : 1;
            var settings = new ReconstructionExperiment.Settings(mech, eps, delta, sampleRate, steps, c, hidden, eta,
                    reroSamples, panel, diffusion, bank, seed);
            ImageDataset all = Datasets.load(new DataConfig(dataset, dataDir, null, d.channels(), d.imageSize(), "all", 0), log);
            if (all.size() != splits.datasetSize()) {
                throw new DataException(sf + ": made for " + splits.datasetSize() + " images, the dataset has " + all.size());
            }
            int[] t = splits.byName(targetSplit);
            ImageDataset targets = all.subset(Arrays.copyOf(t, Math.min(images, t.length)), all.name() + ":" + targetSplit);
            ImageDataset aux = all.subset(splits.byName(auxSplit), all.name() + ":" + auxSplit);
            try (ClassifierTrainer.Trained enc = encoder(aux, m, log)) {
                log.printf("reconstruct: %d %s images, %s mechanism, C = %.4g (data scale), ε ∈ %s; prior %s%n",
                        targets.size(), targetSplit, mechanism, c, epsilons, model);
                ReconstructionResults r = new ReconstructionExperiment(settings).run(d, targets, aux,
                        new CnnEncoder(enc.net(), enc.params()), m, task -> ConsoleProgress.forConsole(log));
                ReconstructionReportWriter.write(r, out);
                summary(r, log);
            }
        }
        log.printf("report: %s%n", out.resolve(ReconstructionReportWriter.HTML));
        return 0;
    }

    private ClassifierTrainer.Trained encoder(ImageDataset aux, NDManager m, PrintWriter log) {
        if (Files.isRegularFile(encoderDir.resolve(ClassifierTrainer.CARD))) {
            log.println("encoder: loaded " + encoderDir);
            return ClassifierTrainer.load(encoderDir, m);
        }
        CnnConfig cnn = CnnConfig.defaultFor(aux.channels(), aux.height(), Math.max(2, aux.numClasses()));
        var recipe = new ClassifierTrainer.Recipe(encoderSteps, 64, 2e-3, 0, seed);
        ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(cnn), recipe)
                .train(aux, m, ConsoleProgress.forConsole(log));
        ClassifierTrainer.save(encoderDir, t);
        log.println("encoder: trained on " + aux.size() + " auxiliary images, saved to " + encoderDir);
        return t;
    }

    static double[] parseEpsilons(String list) {
        String[] parts = list.split(",");
        double[] e = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            try {
                e[i] = p.equals("inf") || p.equals("∞") ? Double.POSITIVE_INFINITY : Double.parseDouble(p);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("--epsilons: not a number: '" + parts[i] + "'");
            }
            if (!(e[i] > 0) || Double.isNaN(e[i])) {
                throw new IllegalArgumentException("--epsilons: each ε must be > 0 or inf, got " + parts[i]);
            }
        }
        return e;
    }

    private static void summary(ReconstructionResults r, PrintWriter log) {
        log.printf("κ = %.4g (η = %.3g)%n%-6s %-10s %-10s %-10s %-9s %-8s %-8s %-8s %-8s %s%n", r.kappa().kappa(), r.eta(),
                "ε", "σ", "σ_eff", "γ_ReRo", "attack", "PSNR", "SSIM", "enc", "success", "diffusion s");
        for (Level l : r.levels()) {
            for (int a = 0; a < r.attacks().size(); a++) {
                Summary s = l.summary(a);
                log.printf(Locale.ROOT, "%-6s %-10.4g %-10.4g %-10.4f %-9s %-8.2f %-8.4f %-8.4f %-8.3f %s%n",
                        a == 0 ? (Double.isInfinite(l.epsilon()) ? "inf" : String.format(Locale.ROOT, "%g", l.epsilon())) : "",
                        l.noiseMultiplier(), l.noiseStd(), l.reroMc() == null ? 1.0 : l.reroMc().gamma(),
                        r.attacks().get(a), s.psnr(), s.ssim(), s.encoderDistance(), s.successRate(),
                        a == 0 ? String.format(Locale.ROOT, "%.1f", l.diffusionSeconds()) : "");
            }
        }
    }
}
