package org.diffleak.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.inversion.InversionSummary;
import org.diffleak.core.report.GradientInversionReportWriter;
import org.diffleak.torch.inversion.ClientUpdate;
import org.diffleak.torch.inversion.DiffusionPriorGradientMatching;
import org.diffleak.torch.inversion.FashionMnistInversion;
import org.diffleak.torch.inversion.GradientInversionStudy;
import org.diffleak.torch.inversion.GradientMatching;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "invert", mixinStandardHelpOptions = true, sortOptions = false,
        description = "User-level gradient inversion in federated learning: each user's FedSGD gradient on a batch of one"
                + " private Fashion-MNIST category (the shared model only classifies tops / footwear / other), label"
                + " inference, one representative image by gradient matching without prior and with the diffusion"
                + " prior, attribute inference on it, and a report (index.html, results.json).")
final class InvertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, defaultValue = "models/base", description = "the diffusion prior (default ${DEFAULT-VALUE})") Path model;
    @Option(names = "--batch-size", defaultValue = "30", split = ",", description = "images per user, e.g. 8,30,100 (default ${DEFAULT-VALUE})") List<Integer> batchSizes;
    @Option(names = "--users", defaultValue = "20", description = "users per batch size (default ${DEFAULT-VALUE})") int users;
    @Option(names = "--user-draw", defaultValue = "style", description = "how a user's images are drawn from its category: style (the nearest to a seeded anchor, one look per user) or iid (default ${DEFAULT-VALUE})") String userDraw;
    @Option(names = "--prior", defaultValue = "none,diffusion", split = ",", description = "none, diffusion or both (default ${DEFAULT-VALUE})") List<String> priors;
    @Option(names = "--dp-epsilon", defaultValue = "inf", description = "clients' DP-SGD ε values, inf = no DP (default ${DEFAULT-VALUE})") String epsilons;
    @Option(names = "--delta", defaultValue = "1e-5") double delta;
    @Option(names = "--clip", defaultValue = "1.0", description = "clients' per-sample clip norm C (default ${DEFAULT-VALUE})") double clip;
    @Option(names = "--local-steps", defaultValue = "1", description = "client SGD steps per round (default ${DEFAULT-VALUE})") int localSteps;
    @Option(names = "--local-lr", defaultValue = "0.1") double localLr;
    @Option(names = "--iterations", defaultValue = "300", description = "no prior: Adam steps per restart (default ${DEFAULT-VALUE})") int iterations;
    @Option(names = "--restarts", defaultValue = "2", description = "seeded restarts of both attacks (default ${DEFAULT-VALUE})") int restarts;
    @Option(names = "--lr", defaultValue = "0.1", description = "no prior: Adam step size (default ${DEFAULT-VALUE})") double lr;
    @Option(names = "--tv", defaultValue = "1e-2", description = "total-variation weight (default ${DEFAULT-VALUE})") double tv;
    @Option(names = "--ddim-steps", defaultValue = "10") int ddimSteps;
    @Option(names = "--window", defaultValue = "2", description = "DDIM steps per stage that receive gradient (default ${DEFAULT-VALUE})") int window;
    @Option(names = "--z-iterations", defaultValue = "100", description = "Adam steps on the starting noise per restart (default ${DEFAULT-VALUE})") int zIterations;
    @Option(names = "--stage-iterations", defaultValue = "20", description = "Adam steps on each later latent (default ${DEFAULT-VALUE})") int stageIterations;
    @Option(names = "--latent-lr", defaultValue = "0.05") double latentLr;
    @Option(names = "--radius", defaultValue = "0.3", description = "largest move of a later latent, in noise-scale units (default ${DEFAULT-VALUE})") double radius;
    @Option(names = "--classifier-steps", defaultValue = "2000", description = "training steps of the shared model and the metric encoder (a look classifier: 10 k-means looks per category) (default ${DEFAULT-VALUE})") int classifierSteps;
    @Option(names = "--attribute-steps", defaultValue = "6000", description = "training steps of the attacker's attribute classifier (default ${DEFAULT-VALUE})") int attributeSteps;
    @Option(names = "--cache", defaultValue = "runs/cache/invert", description = "trained CNNs, loaded if present (default ${DEFAULT-VALUE})") Path cache;
    @Option(names = "--data-dir", description = "Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist)") Path dataDir;
    @Option(names = "--thumbnails", defaultValue = "8") int thumbnails;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = {"-o", "--out"}, defaultValue = "runs/invert", description = "report directory (default ${DEFAULT-VALUE})") Path out;

    @Override
    public Integer call() {
        if (users < 1 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--users and every --batch-size must be ≥ 1");
        }
        if (classifierSteps < 1 || attributeSteps < 1) {
            throw new IllegalArgumentException("--classifier-steps and --attribute-steps must be ≥ 1");
        }
        double[] eps = ReconstructCommand.parseEpsilons(epsilons);
        List<Double> epsList = new ArrayList<>();
        for (double e : eps) {
            epsList.add(e);
        }
        var settings = new GradientInversionStudy.Settings(batchSizes, epsList, users,
                FederatedSetting.Draw.parse(userDraw), priors,
                new ClientUpdate.Settings(localSteps, localLr, null), clip, delta,
                new GradientMatching.Settings(iterations, lr, tv, restarts),
                new DiffusionPriorGradientMatching.Settings(ddimSteps, window, zIterations, stageIterations, latentLr,
                        radius, tv, restarts), thumbnails, seed);
        PrintWriter log = spec.commandLine().getOut();
        InversionResults r = FashionMnistInversion.run(settings, model, dataDir, cache, classifierSteps, attributeSteps,
                log, task -> ConsoleProgress.forConsole(log));
        GradientInversionReportWriter.write(r, out);
        summary(r, log);
        log.printf("report: %s%n", out.resolve(GradientInversionReportWriter.HTML));
        return 0;
    }

    private static void summary(InversionResults r, PrintWriter log) {
        log.printf("%-6s %-6s %-10s %-6s %-7s %-9s %-9s %-8s %-11s %-8s %-16s %-16s %s%n", "batch", "ε", "prior",
                "users", "label", "attribute", "baseline", "on-real", "own-closest", "on-real", "SSIM mean/max",
                "cos mean/max", "s/attack");
        for (InversionSummary s : r.summaries()) {
            log.printf(Locale.ROOT, "%-6d %-6s %-10s %-6d %-7.2f %-9.2f %-9.2f %-8.2f %-11.2f %-8.2f %-16s %-16s %.1f%n",
                    s.batchSize(), Double.isInfinite(s.epsilon()) ? "inf" : String.format(Locale.ROOT, "%g", s.epsilon()),
                    s.prior(), s.users(), s.labelAccuracy(), s.attributeAccuracy(), s.groupBaseline(),
                    s.realImageAttributeAccuracy(), s.ownClosestRate(), s.realImageOwnClosestRate(),
                    String.format(Locale.ROOT, "%.3f/%.3f", s.ssimMean(), s.ssimMax()),
                    String.format(Locale.ROOT, "%.3f/%.3f", s.cosineMean(), s.cosineMax()), s.secondsPerAttack());
        }
    }
}
