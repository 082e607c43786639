package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.data.IdxReader;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;

/**
 * The gradient-inversion study on Fashion-MNIST, as {@code diffleak invert} and the audit's section run it: the
 * attacker's public images (the prior's public split) train the shared coarse model (tops / footwear / other), the
 * fine attribute classifier and the look encoder (each cached); users' images come from the test set.
 */
public final class FashionMnistInversion {

    /** Looks per category the metric encoder learns to tell apart (its classes: 10 categories × LOOKS). */
    private static final int LOOKS = 10;

    private FashionMnistInversion() {}

    /**
     * The study's defaults (those of {@code diffleak invert}): batches of 30, no DP, style-drawn users, no prior and the
     * diffusion prior, one local step at lr 0.1, clip 1, δ 1e-5; 300 Adam steps at 0.1 with TV 1e-2 and 2 restarts
     * without prior; 10 DDIM steps, a window of 2, 100 + 20 latent steps at 0.05 within radius 0.3 with the prior.
     */
    public static GradientInversionStudy.Settings defaults(int users) {
        return new GradientInversionStudy.Settings(List.of(30), List.of(Double.POSITIVE_INFINITY), users,
                FederatedSetting.Draw.STYLE, List.of("none", "diffusion"), new ClientUpdate.Settings(1, 0.1, null), 1.0,
                1e-5, new GradientMatching.Settings(300, 0.1, 1e-2, 2),
                new DiffusionPriorGradientMatching.Settings(10, 2, 100, 20, 0.05, 0.3, 1e-2, 2), 8, 0);
    }

    /**
     * @param model the diffusion prior (a DiffLeak model directory; its splits.json names the public split)
     * @param dataDir the Fashion-MNIST IDX folder, or null for the Debian package's
     * @param cache where the three classifiers are kept
     */
    public static InversionResults run(GradientInversionStudy.Settings settings, Path model, Path dataDir, Path cache,
            int classifierSteps, int attributeSteps, PrintWriter log, Function<String, ProgressListener> progress) {
        Path dir = dataDir != null ? dataDir : IdxReader.DEFAULT_FASHION_MNIST_DIR;
        if (!IdxReader.hasFashionMnist(dir)) {
            throw new DataException("no Fashion-MNIST in " + dir + ": run `diffleak data fetch fashion-mnist` or pass"
                    + " --data-dir");
        }
        ImageDataset train = IdxReader.readFashionMnist(dir, true);
        ImageDataset pool = IdxReader.readFashionMnist(dir, false);
        Path sf = model.resolve("splits.json");
        ImageDataset aux = Files.isRegularFile(sf)
                ? train.subset(Splits.load(sf).byName("public"), train.name() + ":public") : train;
        long seed = settings.seed();
        try (NDManager m = TorchRuntime.newManager()) {
            CloseableDenoiser d = settings.priors().contains("diffusion") ? Denoisers.load(model, m) : null;
            try (ClassifierTrainer.Trained shared = classifier("shared-coarse", FederatedSetting.coarse(aux), 3, 1,
                    classifierSteps, seed, cache, m, log, progress);
                    ClassifierTrainer.Trained fine = classifier("attribute-fine", aux, 10, 2, attributeSteps, seed,
                            cache, m, log, progress);
                    ClassifierTrainer.Trained enc = classifier("encoder-looks",
                            FederatedSetting.looks(aux, LOOKS, Seeds.of(seed)), 10 * LOOKS, 3, classifierSteps, seed,
                            cache, m, log, progress)) {
                var models = new GradientInversionStudy.Models(shared.net(), shared.params(), fine.net(), fine.params(),
                        new CnnEncoder(enc.net(), enc.params()), d, GradientInversionStudy.meanProbability(shared.net(),
                                shared.params(), FederatedSetting.coarse(aux).subset(IntStream.range(0, 2048).toArray(),
                                        "aux-2048")));
                log.printf("invert: %d users per batch size %s, ε %s, priors %s; users' images from the Fashion-MNIST"
                        + " test set%n", settings.users(), settings.batchSizes(), settings.epsilons(), settings.priors());
                return new GradientInversionStudy(settings).run(models, pool, progress);
            } finally {
                if (d != null) {
                    d.close();
                }
            }
        }
    }

    private static ClassifierTrainer.Trained classifier(String name, ImageDataset data, int classes, long salt,
            int steps, long seed, Path cache, NDManager m, PrintWriter log, Function<String, ProgressListener> progress) {
        Path dir = cache.resolve(name + "-" + steps + "-s" + seed);
        if (Files.isRegularFile(dir.resolve(ClassifierTrainer.CARD))) {
            log.println(name + ": loaded " + dir);
            return ClassifierTrainer.load(dir, m);
        }
        var recipe = new ClassifierTrainer.Recipe(steps, 64, 2e-3, 0, seed * 31 + salt);
        ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(CnnConfig.defaultFor(data.channels(),
                data.height(), classes)), recipe).train(data, m, progress.apply(name));
        ClassifierTrainer.save(dir, t);
        log.println(name + ": trained on " + data.size() + " public images, saved to " + dir);
        return t;
    }
}
