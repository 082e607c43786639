package org.diffleak.torch.property;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.data.IdxReader;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.ClassifierCountEstimator;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.property.FrechetDistance;
import org.diffleak.core.property.PropertyResults.Row;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.ShadowFeatures;
import org.diffleak.core.property.ShadowRegression;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Provenance;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.ClassifierGuidance;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.diffusion.PrivatePropertySampler;
import org.diffleak.torch.diffusion.Sampler;
import org.diffleak.torch.diffusion.UNetDenoiser;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.nn.NoiseAwareClassifier;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.ModelStore;
import org.diffleak.torch.train.NoiseAwareClassifierTrainer;

/**
 * The property-inference study: targets fine-tuned from the base model on private sets at chosen property
 * shares p, the attacker's shadows fine-tuned on its own data at known shares, DP-SGD targets at several ε;
 * N DDIM samples of each; the classifier-count and shadow-regression estimates of p from those samples;
 * the same targets released through the private sampler at p*; Fréchet distance of encoder features to
 * held-out real images. Classifiers, models and samples are cached under the cache directory, so a killed
 * or repeated run only computes what is missing.
 *
 * Who holds what: the attacker's classifiers (property classifier, encoder) and shadows use one half of
 * the public data, a held-out part of it measuring the property classifier's TPR and FPR; the owner's
 * noise-aware guidance classifier and the held-out judge use the other half; targets use the private pool.
 */
public final class PropertyStudy {

    /**
     * @param targetShares shares p of the targets' training sets
     * @param shadowShares shares of the attacker's shadow models
     * @param targetSize images in each target's and shadow's fine-tuning set
     * @param dpEpsilons ε of the DP-SGD targets (δ = 1e-5, C = 1), each trained at dpShare
     * @param calibration attacker images held out to measure TPR and FPR
     */
    public record Settings(BinaryProperty property, Path base, double[] targetShares, double[] shadowShares,
            int targetSize, int fineTuneSteps, int batchSize, double learningRate, int samples, int ddimSteps,
            double privateShare, double guidanceScale, ClassifierGuidance.Mode guidanceMode, int maxAttempts,
            double[] dpEpsilons, double dpShare, int classifierSteps,
            int guideSteps, int calibration, int heldOutReal, int bootstrap, int gridImages, long seed) {

        /**
         * The study's defaults (those of {@code diffleak property}): targets at shares 0.1…0.9 and shadows at 0.1, 0.5,
         * 0.9 of 1,000 images, 1,000 fine-tuning steps of 32 at lr 1e-3, 200 samples of 20 DDIM steps per model, the
         * private sampler at p* = 0.5 without guidance (x̂₀ input, 30 attempts), DP-SGD targets at ε = 1 and 8 at share
         * 0.9, classifiers of 600 and 1,500 steps, 2,000 calibration and 1,000 held-out images, 500 bootstrap
         * replicates, 32 images a grid, seed 1.
         */
        public static Settings defaults(BinaryProperty property, Path base) {
            return new Settings(property, base, new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, new double[] {0.1, 0.5, 0.9},
                    1000, 1000, 32, 1e-3, 200, 20, 0.5, 0, ClassifierGuidance.Mode.PREDICTED_X0, 30, new double[] {1, 8}, 0.9,
                    600, 1500, 2000, 1000, 500, 32, 1);
        }

        public Settings {
            for (double p : concat(targetShares, shadowShares, new double[] {privateShare, dpShare})) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("every share must be in [0, 1], got " + p);
                }
            }
            if (shadowShares.length < 2) {
                throw new IllegalArgumentException("shadow regression needs at least 2 shadow shares");
            }
            if (targetSize < 1 || fineTuneSteps < 1 || batchSize < 1 || samples < 2 || ddimSteps < 1
                    || classifierSteps < 1 || guideSteps < 1 || calibration < 2 || heldOutReal < 2 || bootstrap < 1) {
                throw new IllegalArgumentException("sizes and step counts must be positive (samples ≥ 2)");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("the private sampler needs at least 1 attempt per sample");
            }
            if (!(guidanceScale >= 0)) {
                throw new IllegalArgumentException("guidance scale must be ≥ 0, got " + guidanceScale);
            }
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("property", property.name());
            m.put("property_classes", property.classes());
            m.put("base", base.toString());
            m.put("target_shares", targetShares);
            m.put("shadow_shares", shadowShares);
            m.put("target_size", targetSize);
            m.put("fine_tune", Map.of("steps", fineTuneSteps, "batch", batchSize, "learning_rate", learningRate));
            m.put("samples_per_model", samples);
            m.put("ddim_steps", ddimSteps);
            m.put("private_share", privateShare);
            m.put("guidance_scale", guidanceScale);
            m.put("guidance_input", guidanceMode == ClassifierGuidance.Mode.NOISY ? "x_t" : "predicted x0");
            m.put("max_attempts", maxAttempts);
            m.put("dp_epsilons", dpEpsilons);
            m.put("dp_share", dpShare);
            m.put("classifier_steps", classifierSteps);
            m.put("guide_steps", guideSteps);
            m.put("calibration_images", calibration);
            m.put("held_out_real", heldOutReal);
            m.put("bootstrap", bootstrap);
            m.put("seed", seed);
            return m;
        }
    }

    /**
     * The study's data.
     *
     * @param publicData data attacker and owner both may use (the base model's public split)
     * @param privatePool the owner's private images, from which the targets' sets are drawn
     * @param heldOut real images neither party trains on: the Fréchet-distance reference
     */
    public record Data(ImageDataset publicData, ImageDataset privatePool, ImageDataset heldOut) {

        /**
         * Fashion-MNIST as the study uses it: the base model's public split (its splits.json) as shared data; the owner's
         * private pool and the held-out reference as disjoint seeded parts (70 % / 30 %) of the test set, which the
         * base never saw.
         *
         * @param dataDir the IDX folder, or null for the Debian package's (fetched when absent)
         */
        public static Data fashionMnist(Path base, Path dataDir, long seed, PrintWriter log) {
            Path splitsFile = base.resolve("splits.json");
            if (!Files.isRegularFile(splitsFile)) {
                throw new DataException(base + ": no splits.json beside the base model (its public split is the shared"
                        + " data)");
            }
            Splits splits = Splits.load(splitsFile);
            Path dir = dataDir != null ? dataDir : IdxReader.hasFashionMnist(IdxReader.DEFAULT_FASHION_MNIST_DIR)
                    ? IdxReader.DEFAULT_FASHION_MNIST_DIR
                    : DataFetcher.fetch("fashion-mnist", DataFetcher.defaultCacheDir(), log);
            ImageDataset train = IdxReader.readFashionMnist(dir, true);
            ImageDataset test = IdxReader.readFashionMnist(dir, false);
            if (train.size() != splits.datasetSize()) {
                throw new DataException(splitsFile + ": made for " + splits.datasetSize() + " images, the dataset has "
                        + train.size());
            }
            int[] perm = Seeds.permutation(Seeds.of(seed).child("test-split").random(), test.size());
            int pool = test.size() * 7 / 10;
            return new Data(train.subset(splits.publicIdx(), "fashion-mnist:public"),
                    test.subset(Arrays.copyOfRange(perm, 0, pool), "fashion-mnist:test:private"),
                    test.subset(Arrays.copyOfRange(perm, pool, test.size()), "fashion-mnist:test:held-out"));
        }
    }

    private static final int BINS = 10;
    private static final int BATCH = 128;

    private final Settings s;
    private final Path cache;
    private final PrintWriter log;
    private final Function<String, ProgressListener> progress;

    public PropertyStudy(Settings settings, Path cache, PrintWriter log, Function<String, ProgressListener> progress) {
        this.s = settings;
        this.cache = cache;
        this.log = log;
        this.progress = progress;
    }

    /** One model to fine-tune and sample. */
    private record Role(String setting, String name, double share, double epsilon, boolean shadow) {}

    /** Classifier outputs on one set of samples. */
    private record Scored(float[] pixels, double[] attackerProb, double[][] features, boolean[] judge, double draws) {}

    /** Samples in [0, 1] and reverse runs per sample. */
    private record Drawn(float[] pixels, double draws) {}

    public PropertyResults run(Data data, NDManager m) {
        long start = System.nanoTime();
        Seeds seeds = Seeds.of(s.seed());
        ImageDataset pub = data.publicData();
        int[] perm = Seeds.permutation(seeds.child("public-halves").random(), pub.size());
        int half = pub.size() / 2;
        ImageDataset attacker = pub.subset(Arrays.copyOfRange(perm, 0, half), "public:attacker");
        ImageDataset owner = pub.subset(Arrays.copyOfRange(perm, half, pub.size()), "public:owner");
        int cal = Math.min(s.calibration(), attacker.size() / 2);
        ImageDataset calibration = attacker.subset(range(0, cal), "attacker:calibration");
        ImageDataset attackerTrain = attacker.subset(range(cal, attacker.size()), "attacker:train");
        ImageDataset heldOut = data.heldOut().subset(range(0, Math.min(s.heldOutReal(), data.heldOut().size())),
                "held-out");
        BinaryProperty prop = s.property();
        int c = pub.channels();
        int size = pub.height();

        try (ClassifierTrainer.Trained encoder = classifier("encoder", CnnConfig.defaultFor(c, size, 10),
                    attackerTrain, seeds.child("encoder"), m);
                ClassifierTrainer.Trained attackerClf = classifier("attacker-" + prop.name(),
                    CnnConfig.defaultFor(c, size, 2), prop.relabel(attackerTrain), seeds.child("attacker"), m);
                ClassifierTrainer.Trained judge = classifier("judge-" + prop.name(), CnnConfig.defaultFor(c, size, 2),
                    prop.relabel(owner), seeds.child("judge"), m);
                ClassifierTrainer.Trained check = classifier("check-" + prop.name(), CnnConfig.defaultFor(c, size, 2),
                    prop.relabel(owner), seeds.child("check"), m);
                NoiseAwareClassifierTrainer.Trained guide = guide(prop.relabel(owner), seeds.child("guide"), m)) {
            CnnEncoder enc = new CnnEncoder(encoder.net(), encoder.params());
            boolean[] calTruth = prop.of(calibration);
            boolean[] calPred = decisions(probabilities(attackerClf, calibration.pixels(), calibration.size()));
            ClassifierCountEstimator counter = new ClassifierCountEstimator(calTruth, calPred);
            log.printf(Locale.ROOT, "attacker's %s classifier on %d held-out images: TPR %.4f, FPR %.4f%n",
                    prop.name(), cal, counter.tpr(), counter.fpr());
            boolean[] heldTruth = prop.of(heldOut);
            boolean[] heldJudge = decisions(probabilities(judge, heldOut.pixels(), heldOut.size()));
            int agree = 0;
            for (int i = 0; i < heldTruth.length; i++) {
                agree += heldTruth[i] == heldJudge[i] ? 1 : 0;
            }
            double judgeAccuracy = (double) agree / heldTruth.length;
            log.printf(Locale.ROOT, "held-out judge accuracy on %d real images: %.4f%n", heldTruth.length, judgeAccuracy);
            double[][] realFeatures = FrechetDistance.toDouble(enc.encode(heldOut.pixels(), heldOut.size()));
            ImageDataset all = data.heldOut();
            Reference reference = new Reference(prop.of(all), FrechetDistance.toDouble(enc.encode(all.pixels(), all.size())),
                    seeds.child("reference"));

            List<Role> roles = roles();
            Map<Role, Path> models = new LinkedHashMap<>();
            for (Role r : roles) {
                ImageDataset pool = r.shadow() ? attackerTrain : data.privatePool();
                models.put(r, fineTune(r, pool, seeds, m));
            }
            Map<Role, Scored> undefended = new LinkedHashMap<>();
            for (Role r : roles) {
                undefended.put(r, score(sample(r, models.get(r), null, seeds, m), attackerClf, enc, judge));
            }
            List<double[]> shadowX = new ArrayList<>();
            List<Double> shadowP = new ArrayList<>();
            for (Role r : roles) {
                if (r.shadow()) {
                    Scored sc = undefended.get(r);
                    shadowX.add(ShadowFeatures.of(sc.attackerProb(), sc.features(), BINS));
                    shadowP.add(r.share());
                }
            }
            ShadowRegression regression = ShadowRegression.fit(shadowX.toArray(double[][]::new),
                    shadowP.stream().mapToDouble(Double::doubleValue).toArray(), BINS, 1e-3);
            List<Row> rows = new ArrayList<>();
            for (Role r : roles) {
                if (r.shadow()) {
                    continue;
                }
                rows.add(row(r.setting(), r, undefended.get(r), null, counter, regression, realFeatures,
                        reference.at(r.share()), seeds));
                if (r.setting().equals(PropertyResults.UNDEFENDED)) {
                    Role pr = new Role(PropertyResults.PRIVATE, r.name(), r.share(), r.epsilon(), false);
                    Scored sc = score(sample(pr, models.get(r), new Defense(guide, check), seeds, m), attackerClf, enc, judge);
                    boolean[] targets = assignment(pr, seeds);
                    rows.add(row(PropertyResults.PRIVATE, pr, sc, targets, counter, regression, realFeatures,
                            reference.at(s.privateShare()), seeds));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new PropertyResults(prop.name(), s.asMap(), counter.tpr(), counter.fpr(), judgeAccuracy, rows, c,
                    size, seconds);
        }
    }

    /**
     * Encoder features of the held-out real images, from which a reference at any intended share q is drawn:
     * the largest exact-share subset (at most heldOutReal images) the held-out set allows.
     */
    private final class Reference {

        private final boolean[] has;
        private final double[][] features;
        private final Seeds seeds;

        Reference(boolean[] has, double[][] features, Seeds seeds) {
            this.has = has;
            this.features = features;
            this.seeds = seeds;
        }

        double[][] at(double q) {
            int pos = (int) Math.round(BinaryProperty.share(has) * has.length);
            int neg = has.length - pos;
            int n = s.heldOutReal();
            if (q > 0) {
                n = Math.min(n, (int) Math.floor(pos / q));
            }
            if (q < 1) {
                n = Math.min(n, (int) Math.floor(neg / (1 - q)));
            }
            int[] idx = ExactShareSubset.select(has, Math.max(2, n), q, seeds.child(fmt(q)).random());
            double[][] out = new double[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                out[i] = features[idx[i]];
            }
            return out;
        }
    }

    private List<Role> roles() {
        List<Role> roles = new ArrayList<>();
        for (double p : s.targetShares()) {
            roles.add(new Role(PropertyResults.UNDEFENDED, "target-p" + fmt(p), p, Double.POSITIVE_INFINITY, false));
        }
        for (double e : s.dpEpsilons()) {
            roles.add(new Role(PropertyResults.DP, "dp-p" + fmt(s.dpShare()) + "-eps" + fmt(e), s.dpShare(), e, false));
        }
        for (double p : s.shadowShares()) {
            roles.add(new Role("shadow", "shadow-p" + fmt(p), p, Double.POSITIVE_INFINITY, true));
        }
        return roles;
    }

    private Row row(String setting, Role r, Scored sc, boolean[] targets, ClassifierCountEstimator counter,
            ShadowRegression regression, double[][] real, double[][] matched, Seeds seeds) {
        Seeds rs = seeds.child("bootstrap").child(setting + "/" + r.name());
        ShareEstimate cc = counter.estimate(decisions(sc.attackerProb()), s.bootstrap(), rs.child("count").random());
        ShareEstimate sh = regression.estimate(sc.attackerProb(), sc.features(), s.bootstrap(),
                rs.child("shadow").random());
        double fd = FrechetDistance.of(sc.features(), real);
        double fdMatched = FrechetDistance.of(sc.features(), matched);
        double conf = 0;
        for (double q : sc.attackerProb()) {
            conf += Math.max(q, 1 - q) / sc.attackerProb().length;
        }
        double hit = Double.NaN;
        if (targets != null) {
            int k = 0;
            for (int i = 0; i < targets.length; i++) {
                k += targets[i] == sc.judge()[i] ? 1 : 0;
            }
            hit = (double) k / targets.length;
        }
        int g = Math.min(s.gridImages(), s.samples());
        int d = sc.pixels().length / s.samples();
        String label = "p = " + fmt(r.share()) + (Double.isInfinite(r.epsilon()) ? "" : ", ε = " + fmt(r.epsilon()));
        double judgeShare = BinaryProperty.share(sc.judge());
        log.printf(Locale.ROOT, "%-16s %-18s judge share %.3f, classifier count %.3f [%.3f, %.3f], shadow %.3f"
                + " [%.3f, %.3f], Fréchet %.3f%s%n", setting, label, judgeShare, cc.share(), cc.lower(), cc.upper(),
                sh.share(), sh.lower(), sh.upper(), fd, Double.isNaN(hit) ? "" : String.format(Locale.ROOT,
                        ", assigned value reached %.3f", hit));
        log.flush();
        return new Row(setting, label, r.share(), r.epsilon(), judgeShare, cc, sh, fd, fdMatched, conf, hit, sc.draws(),
                Arrays.copyOf(sc.pixels(), g * d), g);
    }

    private boolean[] assignment(Role r, Seeds seeds) {
        return ExactShareSubset.assignment(s.samples(), s.privateShare(), seeds.child("assign").child(r.name()).random());
    }

    // ---- classifiers

    private ClassifierTrainer.Trained classifier(String name, CnnConfig cfg, ImageDataset data, Seeds seeds,
            NDManager m) {
        Path dir = cache.resolve("classifiers").resolve(name + "-" + s.classifierSteps() + "-" + data.size() + "-"
                + Long.toHexString(seeds.seed()));
        if (Files.isRegularFile(dir.resolve(ClassifierTrainer.CARD))) {
            log.println(name + ": cached " + dir);
            return ClassifierTrainer.load(dir, m);
        }
        var recipe = new ClassifierTrainer.Recipe(s.classifierSteps(), 64, 1e-3, 0, seeds.seed());
        try (ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(cfg), recipe)
                .train(data, m, progress.apply(name))) {
            ClassifierTrainer.save(dir, t);
        }
        return ClassifierTrainer.load(dir, m);
    }

    private NoiseAwareClassifierTrainer.Trained guide(ImageDataset data, Seeds seeds, NDManager m) {
        ModelCard base = ModelStore.readCard(s.base());
        Path dir = cache.resolve("classifiers").resolve("guide-" + s.property().name() + "-" + s.guideSteps() + "-"
                + data.size() + "-" + Long.toHexString(seeds.seed()));
        if (Files.isRegularFile(dir.resolve(NoiseAwareClassifierTrainer.CARD))) {
            log.println("noise-aware guide: cached " + dir);
            return NoiseAwareClassifierTrainer.load(dir, m);
        }
        CnnConfig cfg = CnnConfig.defaultFor(data.channels(), data.height(), 2);
        var recipe = new ClassifierTrainer.Recipe(s.guideSteps(), 64, 1e-3, 0, seeds.seed());
        try (NoiseAwareClassifierTrainer.Trained t = new NoiseAwareClassifierTrainer(
                new NoiseAwareClassifier(cfg, base.schedule().steps()), base.schedule(), recipe)
                .train(data, s.property().name(), m, progress.apply("guide"))) {
            NoiseAwareClassifierTrainer.save(dir, t);
        }
        return NoiseAwareClassifierTrainer.load(dir, m);
    }

    /** P(class 1 | x) of images in [0, 1], in batches. */
    static double[] probabilities(ClassifierTrainer.Trained c, float[] pixels, int n) {
        int d = pixels.length / n;
        int side = c.net().config().imageSize();
        int ch = c.net().config().channels();
        double[] out = new double[n];
        for (int from = 0; from < n; from += 256) {
            int k = Math.min(256, n - from);
            float[] x = new float[k * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = 2f * pixels[from * d + i] - 1f;
            }
            try (NDManager sm = c.params().manager().newSubManager()) {
                float[] p = c.net().logits(c.params(), sm.create(x, new Shape(k, ch, side, side))).softmax(1)
                        .get(":, 1").toFloatArray();
                for (int i = 0; i < k; i++) {
                    out[from + i] = p[i];
                }
            }
        }
        return out;
    }

    static boolean[] decisions(double[] probabilities) {
        boolean[] out = new boolean[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = probabilities[i] > 0.5;
        }
        return out;
    }

    // ---- models and samples

    private Path fineTune(Role r, ImageDataset pool, Seeds seeds, NDManager m) {
        ModelCard baseCard = ModelStore.readCard(s.base());
        long seed = seeds.child("model").child(r.name()).seed();
        TrainConfig recipe = new TrainConfig(s.fineTuneSteps(), s.batchSize(), s.learningRate(), 0, 0, 1.0, 0.99, 0,
                Math.max(1, s.fineTuneSteps() / 4), seed);
        Path runDir = cache.resolve("models").resolve(r.name() + "-" + s.targetSize() + "x" + s.fineTuneSteps()
                + "x" + s.batchSize() + "-" + Long.toHexString(seed));
        Path modelDir = runDir.resolve("model");
        if (Files.isRegularFile(modelDir.resolve(ModelStore.CARD))) {
            log.println(r.name() + ": cached " + modelDir);
            return modelDir;
        }
        int[] idx = ExactShareSubset.select(s.property().of(pool), s.targetSize(), r.share(),
                seeds.child("subset").child(r.name()).random());
        ImageDataset set = pool.subset(idx, pool.name() + ":" + r.name());
        DpSgdConfig dp = Double.isInfinite(r.epsilon()) ? null : new DpSgdConfig(1.0, 0, r.epsilon(), 1e-5, false);
        log.printf(Locale.ROOT, "%s: fine-tuning the base on %d images at share %s%s, %d steps of %d%n", r.name(),
                set.size(), fmt(r.share()), dp == null ? "" : " with DP-SGD (ε = " + fmt(r.epsilon()) + ")",
                s.fineTuneSteps(), s.batchSize());
        log.flush();
        UNet net = new UNet(baseCard.unet());
        ModelCard template = new ModelCard("unet-denoiser", baseCard.unet(), baseCard.schedule(), recipe,
                baseCard.dataset(), r.name(), set.size(), 0, Double.NaN, s.base().toString(),
                Provenance.collect(TorchRuntime.versions()), null);
        DiffusionTrainer trainer = new DiffusionTrainer(net, baseCard.schedule().build(), recipe, runDir, dp);
        try (NDManager sm = m.newSubManager(); ModelStore.Loaded base = ModelStore.load(s.base(), true, sm)) {
            trainer.train(set, template, base.params(), true, progress.apply(r.name()));
        }
        return modelDir;
    }

    /** The owner's defense tools: the noise-aware guide and a separate clean classifier checking finished samples. */
    private record Defense(NoiseAwareClassifierTrainer.Trained guide, ClassifierTrainer.Trained check) {}

    /**
     * N samples in [0, 1] of the model, undefended (DDIM η = 0, defense null) or through the private sampler
     * (guided, with redraws of samples failing the owner's check); cached with their draw count.
     */
    private Drawn sample(Role r, Path modelDir, Defense defense, Seeds seeds, NDManager m) {
        boolean defended = defense != null;
        String key = r.name() + (defended ? "-private-" + fmt(s.privateShare()) + "-s" + fmt(s.guidanceScale())
                + (s.guidanceMode() == ClassifierGuidance.Mode.NOISY ? "" : "-x0") + "-a" + s.maxAttempts() : "")
                + "-n" + s.samples() + "-ddim" + s.ddimSteps() + "-" + Long.toHexString(seeds.seed());
        Path file = cache.resolve("samples").resolve(key + ".f32");
        Path drawsFile = cache.resolve("samples").resolve(key + ".draws");
        if (Files.isRegularFile(file) && Files.isRegularFile(drawsFile)) {
            try {
                return new Drawn(readFloats(file), Double.parseDouble(Files.readString(drawsFile).strip()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long t0 = System.nanoTime();
        float[] out;
        double draws = 1;
        try (NDManager sm = m.newSubManager(); ModelStore.Loaded model = ModelStore.load(modelDir, true, sm)) {
            UNetDenoiser d = model.denoiser();
            int c = d.channels();
            int size = d.imageSize();
            int dim = c * size * size;
            DdimSampler ddim = DdimSampler.of(d.schedule(), s.ddimSteps(), 0, true);
            Seeds draw = seeds.child("sample").child(r.name());
            ProgressListener p = progress.apply(r.name() + (defended ? " (private)" : ""));
            if (defended) {
                ClassifierTrainer.Trained ck = defense.check();
                PrivatePropertySampler.Checked checked = new PrivatePropertySampler(defense.guide(), s.privateShare(),
                        s.guidanceScale(), s.guidanceMode()).sampleChecked(d, ddim, sm,
                        new Shape(s.samples(), c, size, size), assignment(r, seeds), draw, x0 -> decisions(
                                ck.net().logits(ck.params(), x0).softmax(1).get(":, 1").toFloatArray()),
                        s.maxAttempts(), BATCH, p);
                out = Sampler.toPixels(checked.samples());
                draws = (double) checked.draws() / s.samples();
            } else {
                out = new float[s.samples() * dim];
                p.start("sampling", s.samples());
                for (int from = 0, b = 0; from < s.samples(); from += BATCH, b++) {
                    int n = Math.min(BATCH, s.samples() - from);
                    try (NDManager bm = sm.newSubManager()) {
                        SplittableRandom rng = draw.child(b).random();
                        NDArray xT = Noise.gaussian(bm, new Shape(n, c, size, size), rng);
                        float[] px = Sampler.toPixels(ddim.sample(d, xT, null, rng, ProgressListener.NONE));
                        System.arraycopy(px, 0, out, from * dim, px.length);
                    }
                    p.update(from + n, "");
                }
                p.finish(String.format(Locale.ROOT, "%d samples in %.1f s", s.samples(),
                        (System.nanoTime() - t0) / 1e9));
            }
        }
        writeFloats(file, out);
        AtomicFiles.writeString(drawsFile, Double.toString(draws));
        return new Drawn(out, draws);
    }

    static boolean[] decisions(float[] probabilities) {
        boolean[] out = new boolean[probabilities.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = probabilities[i] > 0.5;
        }
        return out;
    }

    private Scored score(Drawn drawn, ClassifierTrainer.Trained attackerClf, CnnEncoder enc,
            ClassifierTrainer.Trained judge) {
        int n = s.samples();
        double[][] f = FrechetDistance.toDouble(enc.encode(drawn.pixels(), n));
        return new Scored(drawn.pixels(), probabilities(attackerClf, drawn.pixels(), n), f,
                decisions(probabilities(judge, drawn.pixels(), n)), drawn.draws());
    }

    private static void writeFloats(Path file, float[] v) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.write(file, out -> {
            DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out));
            d.writeInt(v.length);
            for (float x : v) {
                d.writeFloat(x);
            }
            d.flush();
        });
    }

    private static float[] readFloats(Path file) {
        try (InputStream in = Files.newInputStream(file);
                DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in))) {
            float[] v = new float[d.readInt()];
            for (int i = 0; i < v.length; i++) {
                v[i] = d.readFloat();
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static double[] concat(double[]... parts) {
        return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%g", v).replaceAll("\\.?0+$", "");
    }
}
