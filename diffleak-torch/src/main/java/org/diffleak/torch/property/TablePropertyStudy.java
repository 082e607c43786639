package org.diffleak.torch.property;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.TabDdpmConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.model.TableModelCard;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.ClassifierCountEstimator;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.ShadowFeatures;
import org.diffleak.core.property.ShadowRegression;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.property.TablePropertyResults.Row;
import org.diffleak.core.property.TablePropertyResults;
import org.diffleak.core.table.Fidelity;
import org.diffleak.core.table.MlEfficacy;
import org.diffleak.core.table.Table;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.table.TableEncoding;
import org.diffleak.core.table.TableProperty;
import org.diffleak.core.table.TablePropertyEvidence;
import org.diffleak.core.table.TablePropertySteering;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Provenance;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.table.TabDdpm;
import org.diffleak.torch.table.TabDdpmTrainer;
import org.diffleak.torch.table.TableModelStore;

/**
 * Property inference on tables, PriSampler's threat model (the attacker sees only released rows): TabDDPM
 * targets trained on exact-share subsets of the owner's rows at p = 0.1 … 0.9; the attacker estimates p from
 * each release with the classifier-count estimator (on tables the property is a column the attacker reads, so
 * the classifier is the exact predicate: TPR 1, FPR 0, and p̂ is the released share) and shadow regression
 * (shadows trained on the attacker's own rows at known shares; features: the share and the mean encoded row).
 * Each target is also released through the private sampler at p* ({@link TablePropertySteering}), and DP-SGD
 * targets are trained at the chosen ε. Utility per release: fidelity (mean KS numeric, mean TV categorical)
 * and ML efficacy (logistic regression trained on the release, tested on real held-out rows) against the same
 * classifier trained on the model's real training rows.
 *
 * <p>Splits, all seeded: 20% of the rows held out (utility reference), the rest halved into the owner's pool
 * and the attacker's rows. Trained models are cached under the cache directory, keyed by their recipe.
 */
public record TablePropertyStudy(Settings s, Path cache, PrintWriter log, Function<String, ProgressListener> progress) {

    /** Histogram bins of ShadowFeatures: the property is 0 or 1 per row. */
    static final int BINS = 2;

    /**
     * The study's settings.
     *
     * @param property the property
     * @param label the column ML efficacy predicts (its rarest level is the positive one)
     * @param targetShares shares of the undefended targets
     * @param shadowShares shares of the attacker's shadows (≥ 2)
     * @param targetSize rows per target and shadow
     * @param train the training recipe of every model (its seed is replaced per model)
     * @param model the TabDDPM architecture
     * @param samples rows per release
     * @param sampler ddim or ddpm
     * @param ddimSteps DDIM steps
     * @param privateShare the private sampler's p*
     * @param guidance the private sampler's guidance scale s
     * @param dpEpsilons ε of the DP-SGD targets (may be empty)
     * @param dpShare the DP-SGD targets' share
     * @param bootstrap bootstrap replicates
     * @param seed the study's seed
     */
    public record Settings(TableProperty property, String label, double[] targetShares, double[] shadowShares,
            int targetSize, TrainConfig train, TabDdpmConfig model, int samples, String sampler, int ddimSteps,
            double privateShare, double guidance, double[] dpEpsilons, double dpShare, int bootstrap, long seed) {

        public Settings {
            if (targetShares.length == 0 || shadowShares.length < 2) {
                throw new IllegalArgumentException("the study needs at least one target share and two shadow shares");
            }
            if (!(privateShare > 0 && privateShare < 1)) {
                throw new IllegalArgumentException("--target-share must be in (0, 1), got " + privateShare);
            }
            if (!sampler.equals("ddim") && !sampler.equals("ddpm")) {
                throw new IllegalArgumentException("--sampler must be ddim or ddpm, got " + sampler);
            }
            if (targetSize < 10 || samples < 10 || bootstrap < 100) {
                throw new IllegalArgumentException("need --target-size ≥ 10, --samples ≥ 10 and --bootstrap ≥ 100");
            }
        }

        /** The settings as results.json writes them. */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("property", property.name());
            m.put("label", label);
            m.put("target_shares", targetShares);
            m.put("shadow_shares", shadowShares);
            m.put("target_size", targetSize);
            m.put("train_steps", train.steps());
            m.put("batch", train.batchSize());
            m.put("learning_rate", train.learningRate());
            m.put("hidden", model.hidden());
            m.put("samples", samples);
            m.put("sampler", sampler);
            m.put("ddim_steps", ddimSteps);
            m.put("private_share", privateShare);
            m.put("guidance", guidance);
            m.put("dp_epsilons", dpEpsilons);
            m.put("dp_share", dpShare);
            m.put("dp_delta", DP_DELTA);
            m.put("dp_clip", DP_CLIP);
            m.put("bootstrap", bootstrap);
            m.put("seed", seed);
            return m;
        }
    }

    /** DP-SGD's δ and clip norm C. */
    static final double DP_DELTA = 1e-5;
    static final double DP_CLIP = 1.0;

    /** One model to train and release. */
    private record Role(String setting, String name, double share, double epsilon, boolean shadow) {}

    /** Runs the whole study on a table. */
    public TablePropertyResults run(Table table) {
        long start = System.nanoTime();
        Seeds seeds = Seeds.of(s.seed());
        TableProperty prop = s.property();
        prop.evaluateBothValues(table);
        int[] perm = Seeds.permutation(seeds.child("splits").random(), table.rows());
        int held = table.rows() / 5;
        int half = held + (table.rows() - held) / 2;
        Table heldOut = table.select(Arrays.copyOfRange(perm, 0, held));
        Table owner = table.select(Arrays.copyOfRange(perm, held, half));
        Table attacker = table.select(Arrays.copyOfRange(perm, half, table.rows()));
        MlEfficacy ml = MlEfficacy.rarestPositive(TableEncoding.fit(owner), owner, s.label());
        TableEncoding attackerEncoding = TableEncoding.fit(attacker);
        boolean[] attackerHas = prop.evaluateBothValues(attacker);
        ClassifierCountEstimator counter = new ClassifierCountEstimator(attackerHas, attackerHas);
        log.printf(Locale.ROOT, "%s: %d rows held out, owner's pool %d (share %.3f), attacker's %d; ML efficacy predicts"
                + " %s = %s%n", prop.name(), heldOut.rows(), owner.rows(), BinaryProperty.share(prop.evaluate(owner)),
                attacker.rows(), ml.label(), ml.positive());
        log.flush();

        List<Role> roles = roles();
        Map<Role, Table> trainRows = new LinkedHashMap<>();
        Map<Role, Path> models = new LinkedHashMap<>();
        for (Role r : roles) {
            Table pool = r.shadow() ? attacker : owner;
            int[] idx = ExactShareSubset.select(prop.evaluate(pool), s.targetSize(), r.share(),
                    seeds.child("subset").child(r.name()).random());
            trainRows.put(r, pool.select(idx));
            models.put(r, train(r, trainRows.get(r), seeds));
        }
        List<Role> shadows = roles.stream().filter(Role::shadow).toList();
        double[][] shadowX = new double[shadows.size()][];
        for (int k = 0; k < shadowX.length; k++) {
            Role r = shadows.get(k);
            TablePropertyEvidence ev = TablePropertyEvidence.of(release(r, models.get(r), null, seeds), prop,
                    attackerEncoding);
            shadowX[k] = ShadowFeatures.of(ev.probabilities(), ev.features(), BINS);
        }
        ShadowRegression regression = ShadowRegression.fit(shadowX, shadows.stream().mapToDouble(Role::share).toArray(),
                BINS, 1e-3);
        List<Row> rows = new ArrayList<>();
        for (Role r : roles.stream().filter(x -> !x.shadow()).toList()) {
            MlEfficacy.Scores real = ml.evaluate(trainRows.get(r), heldOut);
            List<Role> releases = new ArrayList<>(List.of(r));
            if (r.setting().equals(PropertyResults.UNDEFENDED)) {
                releases.add(new Role(PropertyResults.PRIVATE, r.name(), r.share(), r.epsilon(), false));
            }
            for (Role rel : releases) {
                long t0 = System.nanoTime();
                Table synth = release(rel, models.get(r), rel.setting().equals(PropertyResults.PRIVATE)
                        ? steering(models.get(r), seeds.child("assign").child(r.name())) : null, seeds);
                double secs = (System.nanoTime() - t0) / 1e9;
                rows.add(row(rel, synth, real, counter, regression, attackerEncoding, ml, heldOut, seeds, secs));
            }
        }
        return new TablePropertyResults(prop.name(), ml.label(), ml.positive(), s.asMap(), rows,
                (System.nanoTime() - start) / 1e9);
    }

    private List<Role> roles() {
        List<Role> roles = new ArrayList<>();
        for (double p : s.shadowShares()) {
            roles.add(new Role("shadow", "shadow-" + fmt(p), p, Double.POSITIVE_INFINITY, true));
        }
        for (double p : s.targetShares()) {
            roles.add(new Role(PropertyResults.UNDEFENDED, "target-" + fmt(p), p, Double.POSITIVE_INFINITY, false));
        }
        for (double e : s.dpEpsilons()) {
            roles.add(new Role(PropertyResults.DP, "dp-" + fmt(s.dpShare()) + "-eps" + fmt(e), s.dpShare(), e, false));
        }
        return roles;
    }

    private Row row(Role r, Table synth, MlEfficacy.Scores real, ClassifierCountEstimator counter,
            ShadowRegression regression, TableEncoding attackerEncoding, MlEfficacy ml, Table heldOut, Seeds seeds,
            double secs) {
        TablePropertyEvidence ev = TablePropertyEvidence.of(synth, s.property(), attackerEncoding);
        Seeds b = seeds.child("bootstrap").child(r.setting()).child(r.name());
        ShareEstimate count = counter.estimate(ev.has(), s.bootstrap(), b.child("count").random());
        ShareEstimate shadow = regression.estimate(ev.probabilities(), ev.features(), s.bootstrap(),
                b.child("shadow").random());
        Fidelity.Summary fid = Fidelity.summarize(Fidelity.compare(heldOut, synth));
        MlEfficacy.Scores eff = ml.evaluate(synth, heldOut);
        String label = "p = " + fmt(r.share()) + (Double.isInfinite(r.epsilon()) ? "" : ", ε = " + fmt(r.epsilon()));
        Row row = new Row(r.setting(), label, r.share(), r.epsilon(), BinaryProperty.share(ev.has()), count, shadow,
                fid.meanKs(), fid.meanTv(), eff.accuracy(), eff.f1(),
                real.accuracy(), real.f1(), secs);
        log.printf(Locale.ROOT, "%-15s %-16s released %.3f  count %.3f [%.3f, %.3f]  shadow %.3f [%.3f, %.3f]  KS %.3f"
                + "  TV %.3f  acc %.3f (real %.3f)  F1 %.3f (real %.3f)%n", r.setting(), label, row.releasedShare(),
                count.share(), count.lower(), count.upper(), shadow.share(), shadow.lower(), shadow.upper(), row.meanKs(),
                row.meanTv(), row.accuracy(), row.realAccuracy(), row.f1(), row.realF1());
        log.flush();
        return row;
    }

    /** The private sampler's steering of a release: the assignment at p* from the given seeds. */
    private TablePropertySteering steering(Path modelDir, Seeds assign) {
        TableModelCard card = TableModelStore.readCard(modelDir);
        return TablePropertySteering.of(card.encoding(), s.property(),
                ExactShareSubset.assignment(s.samples(), s.privateShare(), assign.random()), s.guidance());
    }

    /** s.samples() rows from a model, through steering when given. */
    private Table release(Role r, Path modelDir, TablePropertySteering steering, Seeds seeds) {
        try (NDManager m = TorchRuntime.newManager(); TableModelStore.Loaded l = TableModelStore.load(modelDir, true, m)) {
            var rng = seeds.child("sample").child(r.name()).random();
            TabDdpm model = l.model();
            ProgressListener p = progress.apply(r.setting() + " " + r.name());
            Encoded e = s.sampler().equals("ddpm")
                    ? model.sample(l.params(), s.samples(), 500, steering, rng, m, p)
                    : model.sampleDdim(l.params(), s.samples(), s.ddimSteps(), 500, steering, rng, m, p);
            return l.card().encoding().decode(r.name(), e);
        }
    }

    /** Trains (or finds in the cache) the model of a role on its rows. */
    private Path train(Role r, Table rows, Seeds seeds) {
        long seed = seeds.child("model").child(r.name()).seed();
        TrainConfig t = s.train();
        TrainConfig recipe = new TrainConfig(t.steps(), t.batchSize(), t.learningRate(), t.warmupSteps(),
                t.weightDecay(), t.gradClip(), t.emaDecay(), 0, t.checkpointEvery(), seed);
        Path runDir = cache.resolve("table-models").resolve(r.name() + "-" + s.property().name().replaceAll("[^A-Za-z0-9._-]", "_")
                + "-" + rows.rows() + "x" + t.steps() + "x" + t.batchSize() + "-" + s.model().hidden().toString()
                .replaceAll("[^0-9]+", "_") + Long.toHexString(seed));
        Path modelDir = runDir.resolve("model");
        if (Files.isRegularFile(modelDir.resolve(TableModelStore.CARD))) {
            log.println(r.name() + ": cached " + modelDir);
            return modelDir;
        }
        DpSgdConfig dp = Double.isInfinite(r.epsilon()) ? null : new DpSgdConfig(DP_CLIP, 0, r.epsilon(), DP_DELTA, false);
        log.printf(Locale.ROOT, "%s: training TabDDPM on %d rows at share %s%s, %d steps of %d%n", r.name(), rows.rows(),
                fmt(r.share()), dp == null ? "" : " with DP-SGD (ε = " + fmt(r.epsilon()) + ")", t.steps(), t.batchSize());
        log.flush();
        TableEncoding enc = TableEncoding.fit(rows);
        TableModelCard template = new TableModelCard("tabddpm", s.model(), recipe, enc, r.name(), rows.rows(), 0,
                Double.NaN, Provenance.collect(TorchRuntime.versions()), null);
        new TabDdpmTrainer(new TabDdpm(s.model(), enc), recipe, runDir, dp).train(enc.encode(rows), template, true,
                progress.apply(r.name()));
        return modelDir;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%s", v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
    }
}
