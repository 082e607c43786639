package org.diffleak.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.SplitConfig;
import org.diffleak.core.util.Json;

/**
 * The `diffleak audit` job: data and splits, how the target and its shadows are made, which attacks run,
 * and the ablations. Everything a cached model or signal depends on is in here, so its hash keys the cache.
 *
 * @param scenario "fine-tune" (base model fine-tuned on a small private member set) or "from-scratch"
 * @param base model directory of the public base (fine-tune scenario)
 * @param model the UNet trained from scratch (from-scratch scenario; ignored when fine-tuning)
 * @param schedule its noise schedule (from-scratch scenario)
 * @param target how the target (and, identically, each shadow) is trained
 * @param shadows number of shadow models, each on its own slice of the auxiliary split
 * @param candidates members scored on the target (and, unless nonMemberCandidates says otherwise, non-members)
 * @param nullTarget the null preset: the target trains on public images disjoint from both candidate sets
 * @param defense a DP-SGD sweep: the audit reruns with targets and shadows trained at each ε (null = none)
 * @param canaries canaries for the one-run ε audit of the target (null = none)
 * @param reconstruction the visual reconstruction study under DP, run once beside the membership audit (null = none)
 * @param nonMemberCandidates non-members scored on the target (default: candidates)
 * @param calibration LiRA's protocol instead of disjoint shadow slices (null = the default protocol)
 * @param nonMemberCandidates non-members scored on the target (null = candidates): TPR at x FPR needs ≥ 1/x of
 *     them, while the members stay the target's own; shadows keep candidates per side
 */
public record AuditConfig(
        String name,
        String scenario,
        DataConfig data,
        SplitConfig splits,
        String base,
        UNetConfig model,
        ScheduleConfig schedule,
        TargetRecipe target,
        int shadows,
        int candidates,
        boolean nullTarget,
        AttackSettings attacks,
        EncoderRecipe encoder,
        List<Ablation> ablations,
        Defense defense,
        CanaryRecipe canaries,
        long seed,
        ReconstructionStudy reconstruction,
        Integer nonMemberCandidates,
        Calibration calibration) {

    public AuditConfig {
        ablations = ablations == null ? List.of() : List.copyOf(ablations);
        if (!"fine-tune".equals(scenario) && !"from-scratch".equals(scenario)) {
            throw new IllegalArgumentException("scenario must be fine-tune or from-scratch, got " + scenario);
        }
        if (data == null || splits == null || target == null || attacks == null || encoder == null) {
            throw new IllegalArgumentException("an audit needs data, splits, target, attacks and encoder sections");
        }
        if (reconstruction != null && base == null) {
            throw new IllegalArgumentException("the reconstruction study needs base: the attacker's public image prior");
        }
        if ("fine-tune".equals(scenario) && base == null) {
            throw new IllegalArgumentException("the fine-tune scenario needs base: a model directory");
        }
        if ("from-scratch".equals(scenario) && (model == null || schedule == null)) {
            throw new IllegalArgumentException("the from-scratch scenario needs model and schedule sections");
        }
        if (shadows < 1) {
            throw new IllegalArgumentException("the inference models are fitted on shadows: shadows must be ≥ 1, got "
                    + shadows);
        }
        if (candidates < 2) {
            throw new IllegalArgumentException("candidates per side must be ≥ 2, got " + candidates);
        }
        if (!nullTarget && candidates > target.members()) {
            throw new IllegalArgumentException("candidates (" + candidates + ") cannot exceed the target's members ("
                    + target.members() + ")");
        }
        if (candidates > splits.members() || candidates > splits.nonMembers()) {
            throw new IllegalArgumentException("candidates (" + candidates + ") exceed the members or non-members split");
        }
        nonMemberCandidates = nonMemberCandidates == null ? candidates : nonMemberCandidates;
        if (nonMemberCandidates < 2 || nonMemberCandidates > splits.nonMembers()) {
            throw new IllegalArgumentException("nonMemberCandidates must be in [2, " + splits.nonMembers()
                    + "] (the non-members split), got " + nonMemberCandidates);
        }
        if (calibration != null) {
            calibration.check(splits, target, shadows,
                    defense != null || canaries != null || nullTarget || reconstruction != null);
        } else if ((long) 2 * target.members() * shadows > splits.auxiliary()) {
            throw new IllegalArgumentException(shadows + " shadows × 2 × " + target.members()
                    + " images exceed the auxiliary split of " + splits.auxiliary());
        }
        if (canaries != null && canaries.kind().equals("mislabeled")) {
            if (target.classes() < 2) {
                throw new IllegalArgumentException("mislabeled canaries need a class-conditional target (target.classes"
                        + " ≥ 2), got " + target.classes());
            }
            long used = canaryPoolStart(target, shadows, nullTarget);
            if (used + canaries.count() > splits.auxiliary()) {
                throw new IllegalArgumentException(canaries.count() + " mislabeled canaries need auxiliary images"
                        + " beyond the " + used + " the shadows" + (nullTarget ? " and the null target" : "")
                        + " use; the auxiliary split has " + splits.auxiliary());
            }
        }
    }

    /**
     * LiRA's protocol (Carlini et al., S&amp;P 2022): a pool of candidates, the first pool/2 images of the members
     * split and of the non-members split; the target and every shadow fine-tune on their own seeded random half
     * of it, so each candidate has IN and OUT shadows; every model is scored on the whole pool and on the first
     * `population` auxiliary images, RMIA's population z.
     *
     * @param shadowCounts the numbers of shadows for the TPR-at-0.1%-FPR scaling study, each ≤ shadows
     * @param seed seed of the halves
     */
    public record Calibration(int pool, int population, List<Integer> shadowCounts, long seed) {

        public Calibration {
            shadowCounts = shadowCounts == null ? List.of() : List.copyOf(shadowCounts);
        }

        /** @param alongside whether a defense, canaries, the null target or a reconstruction study is configured */
        void check(SplitConfig splits, TargetRecipe target, int shadows, boolean alongside) {
            if (pool < 4 || pool % 2 != 0) {
                throw new IllegalArgumentException("calibration.pool must be an even number ≥ 4, got " + pool);
            }
            if (pool / 2 > splits.members() || pool / 2 > splits.nonMembers()) {
                throw new IllegalArgumentException("calibration.pool " + pool + " takes half from the members and half"
                        + " from the non-members split, which hold " + splits.members() + " and "
                        + splits.nonMembers());
            }
            if (target.members() != pool / 2) {
                throw new IllegalArgumentException("with calibration every model trains on half the pool: target.members"
                        + " must be " + pool / 2 + ", got " + target.members());
            }
            if (population < 1 || population > splits.auxiliary()) {
                throw new IllegalArgumentException("calibration.population must be in [1, " + splits.auxiliary()
                        + "] (the auxiliary split), got " + population);
            }
            for (int k : shadowCounts) {
                if (k < 1 || k > shadows) {
                    throw new IllegalArgumentException("calibration.shadowCounts: " + k + " is not in [1, " + shadows
                            + "]");
                }
            }
            if (alongside) {
                throw new IllegalArgumentException("calibration runs alone: no defense, canaries, nullTarget or"
                        + " reconstruction with it");
            }
        }
    }

    /** Where in the auxiliary split mislabeled canaries start: after the shadows' (and the null target's) slices. */
    public int canaryPoolStart() {
        return canaryPoolStart(target, shadows, nullTarget);
    }

    private static int canaryPoolStart(TargetRecipe target, int shadows, boolean nullTarget) {
        return 2 * target.members() * shadows + (nullTarget ? target.members() : 0);
    }

    /**
     * @param members size of the private member set
     * @param classes class-conditional target with this many classes (0 = unconditional); a conditional
     *     fine-tune of an unconditional base starts with a zero class embedding, so it starts as the base
     * @param dp DP-SGD for the target and every shadow, or null for non-private training (the per-sample clip
     *     C then replaces train.gradClip)
     */
    public record TargetRecipe(int members, int classes, TrainConfig train, DpSgdConfig dp) {
        public TargetRecipe {
            if (members < 2 || classes < 0 || train == null) {
                throw new IllegalArgumentException("target needs members ≥ 2, classes ≥ 0 and a train section");
            }
        }
    }

    /**
     * Attack parameters; a null section skips that attack.
     *
     * @param labels which labels the black-box attacks get: "true", "predicted" (by the auxiliary classifier), or both
     * @param metric the similarity the threshold inference uses: neg_l2, ssim or encoder_cosine
     */
    public record AttackSettings(Loss loss, Pia pia, Pia pian, SecMi secmi, Sima sima, Reconstruction reconstruction,
            Generation generation, List<String> labels, String metric, int batch) {
        public AttackSettings {
            labels = labels == null ? List.of("true") : List.copyOf(labels);
            for (String l : labels) {
                if (!l.equals("true") && !l.equals("predicted")) {
                    throw new IllegalArgumentException("attacks.labels may hold true and predicted, got " + l);
                }
            }
            metric = metric == null ? "ssim" : metric;
            if (!List.of("neg_l2", "ssim", "encoder_cosine").contains(metric)) {
                throw new IllegalArgumentException("attacks.metric must be neg_l2, ssim or encoder_cosine, got " + metric);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("attacks.batch must be ≥ 1, got " + batch);
            }
        }

        /** The attack families that run: loss, pia, pian, secmi, reconstruction, generation. */
        public List<String> families() {
            List<String> f = new java.util.ArrayList<>();
            Object[] sections = {loss, pia, pian, secmi, sima, reconstruction, generation};
            for (int i = 0; i < FAMILIES.size(); i++) {
                if (sections[i] != null) {
                    f.add(FAMILIES.get(i));
                }
            }
            return f;
        }

        /** These settings with only the named families kept (each must be one of {@link #FAMILIES}). */
        public AttackSettings only(List<String> keep) {
            for (String k : keep) {
                if (!FAMILIES.contains(k)) {
                    throw new IllegalArgumentException("unknown attack '" + k + "' (known: " + String.join(", ", FAMILIES)
                            + ")");
                }
                if (!families().contains(k)) {
                    throw new IllegalArgumentException("attack '" + k + "' has no settings here: give its section under"
                            + " attacks: in a config");
                }
            }
            return new AttackSettings(keep.contains("loss") ? loss : null, keep.contains("pia") ? pia : null,
                    keep.contains("pian") ? pian : null, keep.contains("secmi") ? secmi : null,
                    keep.contains("sima") ? sima : null, keep.contains("reconstruction") ? reconstruction : null,
                    keep.contains("generation") ? generation : null, labels, metric, batch);
        }

        /** Every attack family, gray-box first. */
        public static final List<String> FAMILIES = List.of("loss", "pia", "pian", "secmi", "sima", "reconstruction",
                "generation");
    }

    /**
     * A DP-SGD defense swept over ε: each value trains the target and the shadows with DP-SGD, σ calibrated so
     * that the run spends that ε at δ (Poisson rate q = batchSize / N over all target.train.steps).
     *
     * @param kind dpsgd (the only defense so far)
     * @param epsilons target ε values, each a number > 0 or inf (non-private training)
     * @param delta δ of every (ε, δ) guarantee, in (0, 1)
     * @param clip per-sample gradient norm bound C
     */
    public record Defense(String kind, List<String> epsilons, double delta, double clip) {

        public Defense {
            if (!"dpsgd".equals(kind)) {
                throw new IllegalArgumentException("defense.kind must be dpsgd, got " + kind);
            }
            if (epsilons == null || epsilons.isEmpty()) {
                throw new IllegalArgumentException("defense.epsilons lists no ε");
            }
            epsilons = List.copyOf(epsilons);
            if (!(delta > 0 && delta < 1)) {
                throw new IllegalArgumentException("defense.delta must be in (0, 1), got " + delta);
            }
            if (!(clip > 0) || !Double.isFinite(clip)) {
                throw new IllegalArgumentException("defense.clip must be a finite number > 0, got " + clip);
            }
            java.util.Set<Double> seen = new java.util.HashSet<>();
            for (String e : epsilons) {
                if (!seen.add(epsilon(e))) {
                    throw new IllegalArgumentException("defense.epsilons lists ε = " + e + " twice");
                }
            }
        }

        /** ε of a listed value: a number > 0, or +∞ for inf / infinity / ∞. */
        public static double epsilon(String value) {
            String v = value == null ? "" : value.strip();
            if (v.equalsIgnoreCase("inf") || v.equalsIgnoreCase("infinity") || v.equals("∞")) {
                return Double.POSITIVE_INFINITY;
            }
            double e;
            try {
                e = Double.parseDouble(v);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("defense.epsilons: '" + value + "' is not a number or inf");
            }
            if (!(e > 0) || !Double.isFinite(e)) {
                throw new IllegalArgumentException("defense.epsilons: ε must be a number > 0 or inf, got " + value);
            }
            return e;
        }

        /** The DP-SGD recipe for one listed ε: σ calibrated to it, seeded noise (null for inf). */
        public DpSgdConfig dpSgd(String value) {
            double e = epsilon(value);
            return Double.isInfinite(e) ? null : new DpSgdConfig(clip, 0, e, delta, false);
        }

        /** The values as the report's x axis shows them (∞ for inf). */
        public List<String> labels() {
            return epsilons.stream().map(e -> Double.isInfinite(epsilon(e)) ? "∞" : e.strip()).toList();
        }
    }

    /**
     * The visual reconstruction study: each of the first `images` members (the target's own training images) is
     * released once under DP at each ε, and the attacker reconstructs it with the public base model as image
     * prior (naive, Wiener and diffusion prior), beside the ReRo and prior-free bounds.
     *
     * @param epsilons ε of each release, a number > 0 or inf
     * @param mechanism image (Gaussian mechanism on the image) or gradient (DP-SGD gradient of a linear first layer)
     * @param ddimSteps DDIM steps of the diffusion prior's reverse runs
     * @param samples K reverse runs per image
     * @param bank prior samples generated once for the importance-weighted posterior mean (0 = none)
     */
    public record ReconstructionStudy(List<String> epsilons, int images, String mechanism, int ddimSteps, int samples,
            int bank, long seed) {

        public ReconstructionStudy {
            if (epsilons == null || epsilons.isEmpty()) {
                throw new IllegalArgumentException("reconstruction.epsilons lists no ε");
            }
            epsilons = List.copyOf(epsilons);
            epsilons.forEach(Defense::epsilon);
            if (images < 1 || ddimSteps < 1 || samples < 1 || bank < 0) {
                throw new IllegalArgumentException("reconstruction: images, ddimSteps and samples must be ≥ 1 and bank"
                        + " ≥ 0, got " + images + ", " + ddimSteps + ", " + samples + ", " + bank);
            }
            if (!"image".equals(mechanism) && !"gradient".equals(mechanism)) {
                throw new IllegalArgumentException("reconstruction.mechanism must be image or gradient, got " + mechanism);
            }
        }

        /** The ε values, +∞ for inf. */
        public double[] epsilonValues() {
            return epsilons.stream().mapToDouble(Defense::epsilon).toArray();
        }
    }

    /**
     * Canaries for the one-run ε audit (Steinke, Nasr &amp; Jagielski 2023): `count` images, each inserted into
     * the target's training set by an independent fair coin.
     *
     * @param kind noise (uniform-noise images with random labels) or mislabeled (auxiliary images no model
     *     trains on, each with a wrong label; needs a class-conditional target)
     * @param seed seed of the images, labels and coins
     */
    public record CanaryRecipe(int count, String kind, long seed) {

        public CanaryRecipe {
            if (count < 2) {
                throw new IllegalArgumentException("canaries.count must be ≥ 2, got " + count);
            }
            if (!"noise".equals(kind) && !"mislabeled".equals(kind)) {
                throw new IllegalArgumentException("canaries.kind must be noise or mislabeled, got " + kind);
            }
        }
    }

    public record Loss(int t, int repeats) {}

    public record Pia(int t) {}

    public record SecMi(int t, int stride) {}

    /** SimA: the norm of ε_θ(x₀, t) at the clean candidate, at a small t. */
    /**
     * @param t the timestep of the one query
     * @param statistic "l4": −Σ|ε̂|⁴, the authors' code (default when absent); "l2": −‖ε̂‖₂
     */
    /**
     * SimA's setting.
     *
     * @param t the timestep scored when no shadow model can choose one
     * @param statistic l4 (the authors' −Σ|ε̂|⁴) or l2 (−‖ε̂‖₂)
     * @param grid the timesteps among which the shadow models choose (the one with the best mean shadow AUC); null or
     *     empty = t alone
     */
    public record Sima(int t, String statistic, List<Integer> grid) {

        public Sima {
            statistic = statistic == null ? "l4" : statistic;
            if (!statistic.equals("l4") && !statistic.equals("l2")) {
                throw new IllegalArgumentException("sima.statistic must be l4 or l2, got '" + statistic + "'");
            }
            grid = grid == null ? List.of() : List.copyOf(grid);
            for (int g : grid) {
                if (g < 0) {
                    throw new IllegalArgumentException("sima.grid holds timesteps ≥ 0, got " + g);
                }
            }
        }

        public Sima(int t, String statistic) {
            this(t, statistic, null);
        }

        /** The timesteps scored, one signal column each: t first (the choice without shadows), then the grid's others. */
        public List<Integer> timesteps() {
            List<Integer> ts = new ArrayList<>(List.of(t));
            grid.stream().filter(g -> !ts.contains(g)).forEach(ts::add);
            return List.copyOf(ts);
        }

        /** The signal's column names: "t=…" per timestep, in {@link #timesteps()} order. */
        public List<String> columns() {
            return timesteps().stream().map(s -> "t=" + s).toList();
        }
    }

    public record Reconstruction(double strength, int steps, int noisings) {}

    public record Generation(int generations, int steps) {}

    /** The CNN trained on public data that serves as image encoder and as the attacker's label predictor. */
    public record EncoderRecipe(int images, int steps, int batchSize, double learningRate, long seed) {}

    /**
     * One ablation: the audit reruns with `parameter` set to each value (cached parts are reused).
     *
     * @param parameter target.steps, target.members, reconstruction.steps, reconstruction.strength, metric or shadows
     */
    public record Ablation(String parameter, List<String> values) {
        public Ablation {
            values = List.copyOf(values);
            if (!List.of("target.steps", "target.members", "reconstruction.steps", "reconstruction.strength", "metric",
                    "shadows").contains(parameter)) {
                throw new IllegalArgumentException("unknown ablation parameter " + parameter + " (target.steps,"
                        + " target.members, reconstruction.steps, reconstruction.strength, metric, shadows)");
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("ablation of " + parameter + " lists no values");
            }
        }
    }

    public static AuditConfig read(Path file) {
        return Json.readYamlFile(file, AuditConfig.class);
    }

    /**
     * An audit preset shipped inside the jar (configs/audit-NAME.yaml): default, tiny, null, ablations, dp, full or
     * lira.
     */
    public static AuditConfig preset(String name) {
        return Json.readYamlPreset("audit-" + name + ".yaml", AuditConfig.class, name,
                "default, tiny, null, ablations, dp, full, lira");
    }

    /**
     * The same audit with one ablated parameter set to value, as a single audit (no ablations, no defense).
     * "defense.epsilon" trains the target and shadows with the defense's DP-SGD at that ε.
     */
    public AuditConfig with(String parameter, String value) {
        TrainConfig t = target.train();
        AttackSettings a = attacks;
        return switch (parameter) {
            case "target.steps" -> withTarget(new TargetRecipe(target.members(), target.classes(),
                    new TrainConfig(Integer.parseInt(value), t.batchSize(), t.learningRate(), t.warmupSteps(),
                            t.weightDecay(), t.gradClip(), t.emaDecay(), t.labelDropout(), t.checkpointEvery(), t.seed()),
                    target.dp()));
            case "target.members" -> withTarget(new TargetRecipe(Integer.parseInt(value), target.classes(), t,
                    target.dp()));
            case "defense.epsilon" -> {
                if (defense == null) {
                    throw new IllegalArgumentException("defense.epsilon needs a defense section");
                }
                yield withTarget(new TargetRecipe(target.members(), target.classes(), t, defense.dpSgd(value)));
            }
            case "reconstruction.steps" -> withAttacks(new AttackSettings(a.loss(), a.pia(), a.pian(), a.secmi(), a.sima(),
                    new Reconstruction(a.reconstruction().strength(), Integer.parseInt(value), a.reconstruction().noisings()),
                    a.generation(), a.labels(), a.metric(), a.batch()));
            case "reconstruction.strength" -> withAttacks(new AttackSettings(a.loss(), a.pia(), a.pian(), a.secmi(), a.sima(),
                    new Reconstruction(Double.parseDouble(value), a.reconstruction().steps(), a.reconstruction().noisings()),
                    a.generation(), a.labels(), a.metric(), a.batch()));
            case "metric" -> withAttacks(new AttackSettings(a.loss(), a.pia(), a.pian(), a.secmi(), a.sima(), a.reconstruction(),
                    a.generation(), a.labels(), value, a.batch()));
            case "shadows" -> new AuditConfig(name, scenario, data, splits, base, model, schedule, target,
                    Integer.parseInt(value), candidates, nullTarget, attacks, encoder, List.of(), null, canaries, seed,
                    null, nonMemberCandidates, calibration);
            default -> throw new IllegalArgumentException("unknown ablation parameter " + parameter);
        };
    }

    private AuditConfig withTarget(TargetRecipe t) {
        return new AuditConfig(name, scenario, data, splits, base, model, schedule, t, shadows,
                nullTarget ? candidates : Math.min(candidates, t.members()), nullTarget, attacks, encoder, List.of(),
                null, canaries, seed, null, nonMemberCandidates, calibration);
    }

    private AuditConfig withAttacks(AttackSettings a) {
        return new AuditConfig(name, scenario, data, splits, base, model, schedule, target, shadows, candidates,
                nullTarget, a, encoder, List.of(), null, canaries, seed, null, nonMemberCandidates, calibration);
    }
}
