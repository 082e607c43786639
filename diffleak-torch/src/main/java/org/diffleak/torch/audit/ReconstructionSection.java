package org.diffleak.torch.audit;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.data.Datasets;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.report.LinkedSection;
import org.diffleak.core.report.ReconstructionReportWriter;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.reconstruction.DiffusionPriorReconstruction;
import org.diffleak.torch.reconstruction.ReconstructionExperiment;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;

/**
 * The audit's reconstruction section: the first `images` members of the audit's splits (the target's own
 * training images) released once under DP at each ε, reconstructed by an attacker whose image prior is the
 * public base model and whose Wiener statistics, κ and encoder come from the auxiliary split. One release, q = 1,
 * T = 1, δ = 1e-5, C = √(C·H·W) for the image mechanism (clipping never acts in [−1, 1]) or 1 for the gradient.
 */
public final class ReconstructionSection {

    /** Where the section's own report goes, inside the audit's directory. */
    public static final String DIR = "reconstruction";

    private final AuditConfig config;
    private final AuditCache cache;
    private final PrintWriter log;
    private final Function<String, ProgressListener> progress;

    public ReconstructionSection(AuditConfig config, Path cacheDir, PrintWriter log,
            Function<String, ProgressListener> progress) {
        if (config.reconstruction() == null) {
            throw new IllegalArgumentException("the audit config has no reconstruction section");
        }
        this.config = config;
        this.cache = new AuditCache(cacheDir);
        this.log = log;
        this.progress = progress;
    }

    /** Runs the study, writes its report under auditDir/reconstruction and returns the audit page's section. */
    public LinkedSection run(Path auditDir) {
        AuditConfig.ReconstructionStudy study = config.reconstruction();
        ImageDataset all = Datasets.load(config.data(), log);
        Splits splits = Datasets.splits(config.splits(), all.size());
        int[] members = splits.members();
        ImageDataset targets = all.subset(Arrays.copyOf(members, Math.min(study.images(), members.length)),
                all.name() + ":members");
        ImageDataset aux = all.subset(splits.auxiliary(), all.name() + ":auxiliary");
        try (NDManager m = TorchRuntime.newManager();
                CloseableDenoiser prior = Denoisers.load(Path.of(config.base()), m);
                ClassifierTrainer.Trained encoder = encoder(aux, m)) {
            int dim = prior.channels() * prior.imageSize() * prior.imageSize();
            boolean image = "image".equals(study.mechanism());
            var settings = new ReconstructionExperiment.Settings(
                    image ? ReconstructionExperiment.Mechanism.IMAGE : ReconstructionExperiment.Mechanism.GRADIENT,
                    study.epsilonValues(), 1e-5, 1, 1, image ? Math.sqrt(dim) : 1, 64, 0.02, 20_000, 8,
                    new DiffusionPriorReconstruction.Settings(DiffusionPriorReconstruction.Process.DDIM,
                            study.ddimSteps(), 1, study.samples(), 0, 128, 1),
                    study.bank(), study.seed());
            log.printf("reconstruction: %d members released under DP (%s mechanism) at ε ∈ %s; prior %s%n",
                    targets.size(), study.mechanism(), study.epsilons(), config.base());
            ReconstructionResults r = new ReconstructionExperiment(settings).run(prior, targets, aux,
                    new CnnEncoder(encoder.net(), encoder.params()), m, progress);
            ReconstructionReportWriter.write(r, auditDir.resolve(DIR));
            return ReconstructionReportWriter.section(r, DIR + "/" + ReconstructionReportWriter.HTML);
        }
    }

    /** The attacker's encoder, trained on the auxiliary split with the audit's encoder recipe (cached). */
    private ClassifierTrainer.Trained encoder(ImageDataset aux, NDManager m) {
        AuditConfig.EncoderRecipe r = config.encoder();
        CnnConfig cnn = CnnConfig.defaultFor(aux.channels(), aux.height(), Math.max(2, aux.numClasses()));
        ClassifierTrainer.Recipe recipe = new ClassifierTrainer.Recipe(r.steps(), r.batchSize(), r.learningRate(), 0,
                r.seed());
        Path dir = cache.root().resolve("encoders").resolve(AuditCache.key("auxiliary", cnn, recipe, config.data(),
                config.splits()));
        if (Files.isRegularFile(dir.resolve(ClassifierTrainer.CARD))) {
            log.println("reconstruction encoder: cached " + dir);
            return ClassifierTrainer.load(dir, m);
        }
        ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(cnn), recipe)
                .train(aux, m, progress.apply("reconstruction encoder"));
        ClassifierTrainer.save(dir, t);
        return t;
    }
}
