package org.diffleak.torch.audit;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.audit.CalibratedScoring;
import org.diffleak.core.audit.Canaries;
import org.diffleak.core.audit.Signal;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.Datasets;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.membership.inference.PooledPixels;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.report.Fact;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Provenance;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.ClassifierTrainer;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.ModelStore;

/**
 * The membership audit as data flows (ARCHITECTURE.md, "The audit, as data flows"): data and splits → base model → encoder → target and
 * shadows (trained or loaded from the cache) → raw attack signals per candidate (cached) → {@link AuditSignals}.
 * Inference models and metrics come after, in core's AuditScoring; no stage reaches back to an earlier one.
 */
public final class Audit {

    /** A model of the audit: the target or a shadow, what it trains on, and its scored candidates. */
    record Role(String name, int[] train, int[] members, int[] nonMembers, long seed) {}

    private final AuditConfig config;
    private final AuditCache cache;
    private final PrintWriter log;
    private final Function<String, ProgressListener> progress;
    /** The quantile regressor's view of an image: mean and gradient over a 7×7 grid per channel, and the spread. */
    private static final int QUANTILE_GRID = 7;

    private final List<AuditSignals.Stage> timing = new ArrayList<>();

    /**
     * @param cacheDir where models and signals are cached (shared by all audits: keys are content hashes)
     * @param progress a progress listener per stage name
     */
    public Audit(AuditConfig config, Path cacheDir, PrintWriter log, Function<String, ProgressListener> progress) {
        this.config = config;
        this.cache = new AuditCache(cacheDir);
        this.log = log;
        this.progress = progress;
    }

    /** What every stage reads: the dataset, its splits, the roles in order (target first) and any canaries. */
    private record Inputs(ImageDataset all, Splits splits, List<Role> roles, Canaries canaries) {}

    private Inputs inputs;

    /** Loads the data and lays out the roles once per audit. */
    private Inputs inputs() {
        if (inputs == null) {
            ImageDataset all = Datasets.load(config.data(), log);
            Splits splits = Datasets.splits(config.splits(), all.size());
            List<Role> roles = config.calibration() == null ? roles(splits) : calibratedRoles(splits);
            Canaries canaries = config.canaries() == null ? null : Canaries.of(config, all, splits);
            inputs = new Inputs(all, splits, roles, canaries);
        }
        return inputs;
    }

    /** The number of models the audit trains: the target (role 0) and the shadows. */
    public int roleCount() {
        return inputs().roles().size();
    }

    /** The role's name in logs: "target", "shadow 1", ... */
    public String roleName(int role) {
        return inputs().roles().get(role).name();
    }

    /** The role's model entry in the cache (models/KEY), a hash of everything the model depends on. */
    public String modelKey(int role) {
        return modelKey(inputs(), role);
    }

    /** The encoder's entry in the cache (encoders/KEY). */
    public String encoderKey() {
        Inputs in = inputs();
        return encoderKey(in.all(), in.splits());
    }

    /** Trains the encoder into the cache unless it is there: the per-role units only load it. */
    public void prepareEncoder() {
        try (NDManager m = TorchRuntime.newManager()) {
            encoder(inputs(), m).close();
        }
    }

    /**
     * One role's unit of work, as {@link #run()} does it for each role: train (or load) the role's model, then
     * compute its signals for every attack into the cache. Roles are independent, so units can run in parallel
     * processes that share the cache; {@link #run()} afterwards finds every entry cached.
     */
    public void runRole(int role) {
        Inputs in = inputs();
        try (NDManager m = TorchRuntime.newManager(); ClassifierTrainer.Trained encoder = encoder(in, m)) {
            String key = trainOrLoad(in, role, m);
            roleSignals(in, role, key, encoder, new ArrayList<>(), m);
        }
    }

    /** The whole audit: every role's model and signals (from the cache where present), as AuditSignals. */
    public AuditSignals run() {
        long t0 = System.nanoTime();
        Inputs in = inputs();
        List<Role> roles = in.roles();
        ImageDataset all = in.all();
        lap("data", t0);
        try (NDManager m = TorchRuntime.newManager()) {
            long t1 = System.nanoTime();
            ClassifierTrainer.Trained encoder = encoder(in, m);
            lap("encoder", t1);
            long t2 = System.nanoTime();
            String[] modelKeys = new String[roles.size()];
            for (int r = 0; r < roles.size(); r++) {
                modelKeys[r] = trainOrLoad(in, r, m);
            }
            ModelCard targetCard = ModelStore.readCard(modelDir(modelKeys[0]));
            lap("training target and shadows", t2);
            long t3 = System.nanoTime();
            List<double[][]> canaryRows = new ArrayList<>();
            List<Signal> specs = specs(config.attacks(), config.target().classes() > 0);
            List<List<double[][]>> perSpec = new ArrayList<>();
            for (int s = 0; s < specs.size(); s++) {
                perSpec.add(new ArrayList<>());
            }
            for (int r = 0; r < roles.size(); r++) {
                List<double[][]> rows = roleSignals(in, r, modelKeys[r], encoder, canaryRows, m);
                for (int s = 0; s < specs.size(); s++) {
                    perSpec.get(s).add(rows.get(s));
                }
            }
            List<Signal> signals = new ArrayList<>();
            for (int s = 0; s < specs.size(); s++) {
                List<double[][]> rows = perSpec.get(s);
                signals.add(specs.get(s).withRows(rows.get(0), rows.subList(1, rows.size())));
            }
            lap("attack signals", t3);
            Role target = roles.get(0);
            if (config.calibration() != null) {
                AuditSignals calibrated = calibrated(roles, signals, all, targetCard, encoder);
                encoder.close();
                return calibrated;
            }
            Canaries canaries = in.canaries();
            ImageDataset candidates = candidates(all, target);
            List<Fact> facts = targetFacts(target, targetCard, roles.size() - 1, encoder, all, canaries);
            encoder.close();
            int[] ids = IntStream.concat(IntStream.of(target.members()), IntStream.of(target.nonMembers())).toArray();
            return new AuditSignals(config, signals, target.members().length, target.nonMembers().length,
                    config.target().members(), candidates, ids, facts, timing, targetCard.privacy(),
                    canaries == null ? null : new AuditSignals.CanaryRows(canaries.inserted(), canaryRows), null);
        }
    }

    // ---- roles and data

    /**
     * Target: trains on the first M members (or, for the null preset, on an auxiliary slice no shadow uses)
     * and is scored on the first N members vs the first N' non-members (N' = nonMemberCandidates). Shadow k trains on auxiliary slice
     * [2Mk, 2Mk+M) and is scored on it vs [2Mk+M, 2M(k+1)), so shadow membership is known by construction.
     */
    private List<Role> roles(Splits splits) {
        int mSize = config.target().members();
        int n = config.candidates();
        int[] aux = splits.auxiliary();
        List<Role> roles = new ArrayList<>();
        Seeds seeds = Seeds.of(config.seed());
        int[] members = Arrays.copyOf(splits.members(), n);
        int[] nonMembers = Arrays.copyOf(splits.nonMembers(), config.nonMemberCandidates());
        int[] train;
        if (config.nullTarget()) {
            int from = 2 * mSize * config.shadows();
            if (from + mSize > aux.length) {
                throw new DataException("the null target needs " + mSize + " auxiliary images beyond the shadows' "
                        + from + ", the auxiliary split has " + aux.length);
            }
            train = Arrays.copyOfRange(aux, from, from + mSize);
        } else {
            train = Arrays.copyOf(splits.members(), mSize);
        }
        roles.add(new Role("target", train, members, nonMembers, seeds.child("target").seed()));
        for (int k = 0; k < config.shadows(); k++) {
            int from = 2 * mSize * k;
            int[] in = Arrays.copyOfRange(aux, from, from + mSize);
            int[] out = Arrays.copyOfRange(aux, from + mSize, from + 2 * mSize);
            roles.add(new Role("shadow " + (k + 1), in, in, out, seeds.child("shadow").child(k).seed()));
        }
        return roles;
    }

    /**
     * LiRA's protocol: the pool is the first pool/2 members and the first pool/2 non-members; the target and each
     * shadow train on their own seeded random half of it. Every role is scored on the pool, then on the first
     * `population` auxiliary images (all as "members" of the role, so the rows keep this order).
     */
    private List<Role> calibratedRoles(Splits splits) {
        AuditConfig.Calibration c = config.calibration();
        int[] pool = IntStream.concat(IntStream.of(Arrays.copyOf(splits.members(), c.pool() / 2)),
                IntStream.of(Arrays.copyOf(splits.nonMembers(), c.pool() / 2))).toArray();
        int[] scored = IntStream.concat(IntStream.of(pool), IntStream.of(Arrays.copyOf(splits.auxiliary(),
                c.population()))).toArray();
        Seeds halves = Seeds.of(c.seed());
        Seeds seeds = Seeds.of(config.seed());
        List<Role> roles = new ArrayList<>();
        roles.add(new Role("target", randomHalf(pool, halves.child("target")), scored, new int[0],
                seeds.child("target").seed()));
        for (int k = 0; k < config.shadows(); k++) {
            roles.add(new Role("shadow " + (k + 1), randomHalf(pool, halves.child("shadow").child(k)), scored,
                    new int[0], seeds.child("shadow").child(k).seed()));
        }
        return roles;
    }

    /** A seeded random half of the indices, in ascending order (a stable cache key). */
    private static int[] randomHalf(int[] indices, Seeds seeds) {
        int[] perm = Seeds.permutation(seeds.random(), indices.length);
        return IntStream.of(Arrays.copyOf(perm, indices.length / 2)).map(i -> indices[i]).sorted().toArray();
    }

    /**
     * The calibrated audit's signals with the pool reordered members first (as the report's galleries expect),
     * and who trained on what.
     */
    private AuditSignals calibrated(List<Role> roles, List<Signal> signals, ImageDataset all, ModelCard targetCard,
            ClassifierTrainer.Trained encoder) {
        AuditConfig.Calibration c = config.calibration();
        int poolSize = c.pool();
        int[] pool = Arrays.copyOf(roles.get(0).members(), poolSize);
        Set<Integer> targetTrain = IntStream.of(roles.get(0).train()).boxed()
                .collect(Collectors.toSet());
        int[] order = IntStream.concat(IntStream.range(0, poolSize).filter(i -> targetTrain.contains(pool[i])),
                IntStream.range(0, poolSize).filter(i -> !targetTrain.contains(pool[i]))).toArray();
        int members = targetTrain.size();
        int[] rowOrder = IntStream.concat(IntStream.of(order), IntStream.range(poolSize, poolSize + c.population()))
                .toArray();
        boolean[] targetIn = new boolean[poolSize];
        Arrays.fill(targetIn, 0, members, true);
        boolean[][] shadowIn = new boolean[roles.size() - 1][poolSize];
        for (int k = 1; k < roles.size(); k++) {
            Set<Integer> train = IntStream.of(roles.get(k).train()).boxed()
                    .collect(Collectors.toSet());
            for (int i = 0; i < poolSize; i++) {
                shadowIn[k - 1][i] = train.contains(pool[order[i]]);
            }
        }
        List<Signal> reordered = signals.stream().map(sig -> sig.withRows(permute(sig.target(), rowOrder),
                sig.shadows().stream().map(r -> permute(r, rowOrder)).toList())).toList();
        int[] ids = IntStream.of(order).map(i -> pool[i]).toArray();
        int[] scored = roles.get(0).members();
        double[][] features = PooledPixels.of(all.subset(IntStream.of(rowOrder).map(i -> scored[i]).toArray(),
                all.name() + ":scored"), Math.min(QUANTILE_GRID, all.height()));
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("scenario", "LiRA's protocol: the target and " + (roles.size() - 1) + " shadow models each"
                + " fine-tune on a random half of one pool"));
        facts.add(new Fact("dataset", all.name()));
        if (config.base() != null) {
            facts.add(new Fact("base model", config.base()));
        }
        TrainConfig t = targetCard.train();
        facts.add(new Fact("target training", String.format("%d images, %d steps × %d (%.0f epochs), lr %g", members,
                t.steps(), t.batchSize(), (double) t.steps() * t.batchSize() / members, t.learningRate())));
        facts.add(new Fact("candidates", poolSize + " in the pool: " + members + " members vs " + (poolSize - members)
                + " non-members; " + c.population() + " auxiliary images as RMIA's population"));
        facts.add(new Fact("shadow models", (roles.size() - 1) + ", each on its own random half of the pool"));
        facts.add(new Fact("encoder", "CNN on " + config.encoder().images() + " public images"));
        facts.add(new Fact("quantile regression", "fitted on the " + c.population() + " population images only:"
                + " 9 bootstrap regressors on the mean value and gradient of " + QUANTILE_GRID + "×" + QUANTILE_GRID
                + " cells"));
        return new AuditSignals(config, reordered, members, poolSize - members, 0,
                all.subset(ids, all.name() + ":pool"), ids, facts, timing, targetCard.privacy(), null,
                new CalibratedScoring.Pool(targetIn, shadowIn, c.population(), features));
    }

    private static double[][] permute(double[][] rows, int[] order) {
        double[][] out = new double[order.length][];
        for (int i = 0; i < order.length; i++) {
            out[i] = rows[order[i]];
        }
        return out;
    }

    private static ImageDataset candidates(ImageDataset all, Role role) {
        int[] idx = new int[role.members().length + role.nonMembers().length];
        System.arraycopy(role.members(), 0, idx, 0, role.members().length);
        System.arraycopy(role.nonMembers(), 0, idx, role.members().length, role.nonMembers().length);
        return all.subset(idx, all.name() + ":" + role.name() + " candidates");
    }

    // ---- encoder

    /** The CNN on the first `images` public images: encoder for the cosine similarity and label predictor. */
    private ClassifierTrainer.Trained encoder(Inputs in, NDManager m) {
        ImageDataset all = in.all();
        Path dir = cache.root().resolve("encoders").resolve(encoderKey(all, in.splits()));
        if (Files.isRegularFile(dir.resolve(ClassifierTrainer.CARD))) {
            log.println("encoder: cached " + dir);
            return ClassifierTrainer.load(dir, m);
        }
        int[] idx = encoderImages(in.splits());
        ImageDataset data = all.subset(idx, all.name() + ":public");
        ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(encoderNet(all)), encoderRecipe())
                .train(data, m, progress.apply("encoder"));
        ClassifierTrainer.save(dir, t);
        return t;
    }

    private String encoderKey(ImageDataset all, Splits splits) {
        return AuditCache.key(encoderNet(all), encoderRecipe(), config.data(), encoderImages(splits));
    }

    private int[] encoderImages(Splits splits) {
        return Arrays.copyOf(splits.publicIdx(), Math.min(config.encoder().images(), splits.publicIdx().length));
    }

    private static CnnConfig encoderNet(ImageDataset all) {
        return CnnConfig.defaultFor(all.channels(), all.height(), Math.max(2, all.numClasses()));
    }

    private ClassifierTrainer.Recipe encoderRecipe() {
        AuditConfig.EncoderRecipe r = config.encoder();
        return new ClassifierTrainer.Recipe(r.steps(), r.batchSize(), r.learningRate(), 0, r.seed());
    }

    // ---- target and shadows

    private Path modelDir(String key) {
        return cache.model(key).resolve("model");
    }

    /**
     * Trains the role's model (with DP-SGD when the recipe says so, with the inserted canaries when given)
     * unless the cache holds it; a killed run resumes from its checkpoint.
     */
    private String trainOrLoad(Inputs in, int r, NDManager m) {
        Role role = in.roles().get(r);
        ImageDataset all = in.all();
        Canaries canaries = r == 0 ? in.canaries() : null;
        boolean fineTune = config.scenario().equals("fine-tune");
        UNetConfig unet = unet();
        ScheduleConfig schedule = fineTune ? baseCard().schedule() : config.schedule();
        TrainConfig recipe = recipe(role);
        DpSgdConfig dp = config.target().dp();
        String key = modelKey(in, r);
        Path runDir = cache.model(key);
        if (Files.isRegularFile(runDir.resolve("model").resolve(ModelStore.CARD))) {
            log.println(role.name() + ": cached " + runDir);
            return key;
        }
        ImageDataset data = all.subset(role.train(), all.name() + ":" + role.name());
        if (canaries != null) {
            data = canaries.insertInto(data);
        }
        log.printf("%s: %s on %d images, %d steps of %d%s%n", role.name(), fineTune ? "fine-tuning the base"
                : "training", data.size(), recipe.steps(), recipe.batchSize(),
                dp == null ? "" : String.format(" with DP-SGD (target ε = %g, δ = %g, C = %g; seeded noise: an audit,"
                        + " not a release)", dp.targetEpsilon(), dp.delta(), dp.clip()));
        UNet net = new UNet(unet);
        ModelCard template = new ModelCard("unet-denoiser", unet, schedule, recipe, config.data().dataset(),
                role.name(), data.size(), 0, Double.NaN, fineTune ? config.base() : null,
                Provenance.collect(TorchRuntime.versions()), null);
        DiffusionTrainer trainer = new DiffusionTrainer(net, schedule.build(), recipe, runDir, dp);
        if (!fineTune) {
            trainer.train(data, template, null, true, progress.apply(role.name()));
            return key;
        }
        try (NDManager sm = m.newSubManager();
                ModelStore.Loaded baseModel = ModelStore.load(Path.of(config.base()), true, sm);
                Params init = conditionalFrom(baseModel.params(), net, sm)) {
            trainer.train(data, template, init, true, progress.apply(role.name()));
        }
        return key;
    }

    /** The content hash of role r's model: recipe, architecture, base, data indices, DP-SGD and canaries. */
    private String modelKey(Inputs in, int r) {
        Role role = in.roles().get(r);
        Canaries canaries = r == 0 ? in.canaries() : null;
        boolean fineTune = config.scenario().equals("fine-tune");
        ModelCard baseCard = fineTune ? baseCard() : null;
        ScheduleConfig schedule = fineTune ? baseCard.schedule() : config.schedule();
        String key = AuditCache.key(config.scenario(), baseCard, unet(), schedule, recipe(role), config.data(),
                role.train());
        DpSgdConfig dp = config.target().dp();
        if (dp != null || canaries != null) {
            // keys of non-private models without canaries stay as they were; the splits fix which auxiliary
            // images mislabeled canaries are
            key = AuditCache.key(key, dp, canaries == null ? null
                    : List.of(config.canaries(), config.splits(), canaries.inserted()));
        }
        return key;
    }

    private ModelCard baseCard() {
        return ModelStore.readCard(Path.of(config.base()));
    }

    /** The role's architecture: the base's (fine-tune) or the config's, with the target's classes. */
    private UNetConfig unet() {
        UNetConfig u = config.scenario().equals("fine-tune") ? baseCard().unet() : config.model();
        return u.withClasses(config.target().classes());
    }

    /** The target's training recipe with the role's seed. */
    private TrainConfig recipe(Role role) {
        TrainConfig base = config.target().train();
        return new TrainConfig(base.steps(), base.batchSize(), base.learningRate(), base.warmupSteps(),
                base.weightDecay(), base.gradClip(), base.emaDecay(), base.labelDropout(), base.checkpointEvery(),
                role.seed());
    }

    /**
     * The base weights in a (possibly class-conditional) copy of its architecture: shared weights copied,
     * the class embedding zero, so the conditional model starts as the unconditional base.
     */
    static Params conditionalFrom(Params base, UNet net, NDManager m) {
        Params p = Params.initialize(net.specs(), Seeds.of(0), m);
        for (String name : p.names()) {
            if (base.names().contains(name)) {
                Scalar.muli(p.get(name), 0).addi(base.get(name));
            } else if (name.startsWith("class.")) {
                Scalar.muli(p.get(name), 0);
            } else {
                throw new DataException("the base model has no weight " + name + " that the target needs");
            }
        }
        return p;
    }

    // ---- signals

    /**
     * Every attack's rows on role r's candidates, in the order of {@link #specs}, and for the target (r = 0) its
     * rows on the canaries into canaryRows.
     */
    private List<double[][]> roleSignals(Inputs in, int r, String key, ClassifierTrainer.Trained encoder,
            List<double[][]> canaryRows, NDManager m) {
        AuditConfig.AttackSettings a = config.attacks();
        ImageDataset all = in.all();
        Role role = in.roles().get(r);
        Canaries canaries = in.canaries();
        Similarity similarity = new Similarity(all.channels(), all.height(), new CnnEncoder(encoder.net(), encoder.params()));
        List<Signal> specs = specs(a, config.target().classes() > 0);
        List<double[][]> out = new ArrayList<>();
        ImageDataset cands = candidates(all, role);
        int[] trueLabels = cands.labels();
        int[] predicted = null;
        try (NDManager sm = m.newSubManager(); ModelStore.Loaded model = ModelStore.load(modelDir(key), true, sm)) {
            Denoiser denoiser = model.denoiser();
            BlackBoxTarget bb = new MemoizedGenerations(new LocalBlackBox(denoiser));
            for (Signal spec : specs) {
                int[] labels = spec.labels() == null ? null : spec.labels().equals("true") ? trueLabels
                        : (predicted = predicted != null ? predicted
                                : ClassifierTrainer.predict(encoder.net(), encoder.params(), cands));
                out.add(rows(role, key, spec, denoiser, bb, cands, labels, similarity, a));
                if (r == 0 && canaries != null) {
                    canaryRows.add(canarySignal(spec, key, denoiser, bb, canaries, encoder, similarity, a));
                }
            }
        }
        return out;
    }

    /**
     * One attack's rows on a role's candidates, cached in two parts: the members with as many non-members
     * (the key of an audit with equal sides, so its cache still serves), then any further non-members.
     */
    private double[][] rows(Role role, String modelKey, Signal spec, Denoiser denoiser, BlackBoxTarget bb,
            ImageDataset cands, int[] labels, Similarity similarity, AuditConfig.AttackSettings a) {
        int m = role.members().length;
        int paired = Math.min(m, role.nonMembers().length);
        double[][] rows = part(role, modelKey, spec, denoiser, bb, cands, labels, similarity, a, role.members(),
                Arrays.copyOf(role.nonMembers(), paired), 0);
        if (paired == role.nonMembers().length) {
            return rows;
        }
        double[][] more = part(role, modelKey, spec, denoiser, bb, cands, labels, similarity, a, new int[0],
                Arrays.copyOfRange(role.nonMembers(), paired, role.nonMembers().length), m + paired);
        double[][] all = Arrays.copyOf(rows, rows.length + more.length);
        System.arraycopy(more, 0, all, rows.length, more.length);
        return all;
    }

    /** Rows of the candidates from row `first` on that are these members and non-members, cached by content. */
    private double[][] part(Role role, String modelKey, Signal spec, Denoiser denoiser, BlackBoxTarget bb,
            ImageDataset cands, int[] labels, Similarity similarity, AuditConfig.AttackSettings a, int[] members,
            int[] nonMembers, int first) {
        int n = members.length + nonMembers.length;
        int[] sub = labels == null ? null : Arrays.copyOfRange(labels, first, first + n);
        String key = AuditCache.key(modelKey, spec.family(), AttackSignals.settings(spec.family(), a), a.batch(),
                spec.labels(), members, nonMembers, sub);
        double[][] rows = cache.signals(key);
        if (rows == null) {
            log.printf("%s: %s attack on %d candidates%s%n", role.name(), spec.name(), n,
                    spec.labels() == null ? "" : " (" + spec.labels() + " labels)");
            ImageDataset part = n == cands.size() ? cands
                    : cands.subset(IntStream.range(first, first + n).toArray(), cands.name() + " " + first + "+" + n);
            rows = compute(spec, denoiser, bb, part, sub, similarity, a);
            cache.putSignals(key, rows);
        }
        return rows;
    }

    /** One attack's rows on the target's canaries (cached like the candidates' rows). */
    private double[][] canarySignal(Signal spec, String targetKey, Denoiser denoiser, BlackBoxTarget bb,
            Canaries canaries, ClassifierTrainer.Trained encoder, Similarity similarity, AuditConfig.AttackSettings a) {
        ImageDataset images = canaries.images();
        int[] labels = spec.labels() == null ? null : spec.labels().equals("true") ? images.labels()
                : ClassifierTrainer.predict(encoder.net(), encoder.params(), images);
        String key = AuditCache.key(targetKey, spec.family(), AttackSignals.settings(spec.family(), a), a.batch(), spec.labels(), "canaries",
                config.canaries(), labels);
        double[][] rows = cache.signals(key);
        if (rows == null) {
            log.printf("target: %s on %d canaries%n", spec.name(), images.size());
            rows = compute(spec, denoiser, bb, images, labels, similarity, a);
            cache.putSignals(key, rows);
        }
        return rows;
    }

    /**
     * The attack settings to run, as signal templates without rows. Names are short (the parameters are in
     * the report's settings); the four black-box scenarios are {img2img, label-only generation} × {true,
     * predicted labels}.
     */
    private static List<Signal> specs(AuditConfig.AttackSettings a, boolean conditional) {
        List<Signal> specs = new ArrayList<>();
        List<String> score = List.of("score");
        if (a.loss() != null) {
            specs.add(Signal.template("loss", "loss", "gray-box", null, score));
        }
        if (a.pia() != null) {
            specs.add(Signal.template("pia", "PIA", "gray-box", null, score));
        }
        if (a.pian() != null) {
            specs.add(Signal.template("pian", "PIAN", "gray-box", null, score));
        }
        if (a.secmi() != null) {
            specs.add(Signal.template("secmi", "SecMI", "gray-box", null, score));
        }
        if (a.sima() != null) {
            specs.add(Signal.template("sima", "SimA", "gray-box", null, a.sima().columns()));
        }
        List<String> sim = List.of(Similarity.names(true));
        List<String> labelKinds = conditional ? a.labels() : List.of("true");
        if (a.reconstruction() != null) {
            for (String l : labelKinds) {
                specs.add(Signal.template("reconstruction", "img2img", "black-box", conditional ? l : null, sim));
            }
        }
        if (a.generation() != null && conditional) {
            for (String l : labelKinds) {
                specs.add(Signal.template("generation", "label-only generation", "black-box", l, sim));
            }
        }
        return specs;
    }

    private double[][] compute(Signal spec, Denoiser denoiser, BlackBoxTarget bb, ImageDataset cands, int[] labels,
            Similarity similarity, AuditConfig.AttackSettings a) {
        return AttackSignals.compute(spec.family(), a, Seeds.of(config.seed()).child(spec.family()).seed(), denoiser, bb,
                cands, labels, similarity, progress.apply(spec.name()));
    }

    // ---- facts and timing

    private List<Fact> targetFacts(Role target, ModelCard card, int shadows,
            ClassifierTrainer.Trained encoder, ImageDataset all, Canaries canaries) {
        List<Fact> f = new ArrayList<>();
        f.add(new Fact("scenario", config.nullTarget() ? config.scenario() + " (null preset: trained on neither candidate set)"
                : config.scenario()));
        f.add(new Fact("dataset", all.name()));
        if (config.scenario().equals("fine-tune")) {
            f.add(new Fact("base model", config.base()));
        }
        f.add(new Fact("architecture", String.format("UNet %d→%s, %s", card.unet().baseWidth(), card.unet().multipliers(),
                card.unet().numClasses() > 0 ? card.unet().numClasses() + " classes" : "unconditional")));
        TrainConfig t = card.train();
        f.add(new Fact("target training", String.format("%d images, %d steps × %d (%.0f epochs), lr %g", target.train().length,
                t.steps(), t.batchSize(), (double) t.steps() * t.batchSize() / target.train().length, t.learningRate())));
        PrivacySpent p = card.privacy();
        if (p != null) {
            f.add(new Fact("DP-SGD", String.format("(ε = %.3f, δ = %g) by the RDP accountant: σ = %.4f, C = %g,"
                    + " q = %.3g, %d steps; shadows trained alike", p.epsilon(), p.delta(), p.noiseMultiplier(),
                    p.clip(), p.sampleRate(), p.steps())));
        }
        if (canaries != null) {
            f.add(new Fact("canaries", canaries.insertedCount() + " of " + canaries.count() + " " + canaries.kind()
                    + " canaries in the training set, for the one-run ε audit"));
        }
        f.add(new Fact("candidates", target.members().length + " members vs " + target.nonMembers().length + " non-members"));
        f.add(new Fact("shadow models", shadows + ", same recipe on disjoint auxiliary slices"));
        f.add(new Fact("encoder", String.format("CNN on %d public images, %d steps (accuracy %.3f on the target's candidates)",
                config.encoder().images(), config.encoder().steps(),
                ClassifierTrainer.accuracy(encoder.net(), encoder.params(), candidates(all, target)))));
        return f;
    }

    private void lap(String stage, long t0) {
        timing.add(new AuditSignals.Stage(stage, (System.nanoTime() - t0) / 1e9));
    }
}
