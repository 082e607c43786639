package org.diffleak.torch.audit;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.diffleak.core.audit.AuditReportBuilder;
import org.diffleak.core.audit.AuditScoring;
import org.diffleak.core.audit.Signal;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.CandidateImages;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.PromptedCandidates;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.A1111Target;
import org.diffleak.core.membership.blackbox.BlackBoxAccess;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.membership.blackbox.RemoteTarget;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.metrics.ImageSimilarity;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.Fact;
import org.diffleak.core.shift.BlindBaseline;
import org.diffleak.core.shift.DistributionCheck;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Provenance;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.imports.ImportedModelSpec;
import org.diffleak.torch.imports.OnnxImageEncoder;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.ModelStore;

/**
 * The audit of a model the owner already has ({@link AuditRequest}): its members and non-members as given,
 * every attack its access allows, shadow models only when the attacker's own images and a base to fine-tune
 * from are given. Signals and shadows are cached like the trained audit's, so a killed run resumes.
 */
public final class ModelAudit {

    private static final List<String> GRAY_BOX = List.of("loss", "pia", "pian", "secmi", "sima");

    private final AuditRequest request;
    private final BlackBoxAccess access;
    private final AuditCache cache;
    private final PrintWriter log;
    private final Function<String, ProgressListener> progress;
    private final List<AuditReport.Timing> timings = new ArrayList<>();

    public ModelAudit(AuditRequest request, Path cacheDir, PrintWriter log, Function<String, ProgressListener> progress) {
        this(request, BlackBoxAccess.defaults(), cacheDir, log, progress);
    }

    /**
     * @param access how a served target is reached (web API settings, prompts, size, token) and the ONNX
     *     encoder of the encoder-cosine similarity
     */
    public ModelAudit(AuditRequest request, BlackBoxAccess access, Path cacheDir, PrintWriter log,
            Function<String, ProgressListener> progress) {
        this.request = request;
        this.access = access;
        this.cache = new AuditCache(cacheDir);
        this.log = log;
        this.progress = progress;
    }

    /**
     * A shadow: its model and the model's hash (for signal cache keys), its candidates (members first) and
     * their content key.
     */
    private record Shadow(String name, Path model, String hash, ImageDataset candidates, String candidatesKey,
            int members) {}

    /** Candidates read before the target is opened (a web API takes their shape), and facts known after the attacks. */
    private record Given(CandidateImages members, CandidateImages nonMembers, Supplier<List<Fact>> facts) {}

    public AuditReport run() {
        long t0 = System.nanoTime();
        if (A1111Target.isUrl(request.target())) {
            return webApi(t0);
        }
        if (request.remote()) {
            try (RemoteTarget remote = new RemoteTarget(request.target(), RemoteTarget.Options.defaults(),
                    access.token())) {
                return audit(null, remote, "black-box (HTTP service " + request.target() + ")", null, t0, null);
            }
        }
        Path file = Path.of(request.target());
        if (!Files.exists(file)) {
            throw new DataException("--target " + file + ": no such model file or directory");
        }
        try (NDManager m = TorchRuntime.newManager(); CloseableDenoiser d = Denoisers.load(file, m)) {
            return audit(d, new MemoizedGenerations(new LocalBlackBox(d)), "gray-box (model file: ε_θ(x_t, t) queries)",
                    sha256(file), t0, null);
        }
    }

    /**
     * An AUTOMATIC1111-style web API: candidates at their own shape (or --size), each with its caption's
     * prompt (or one fixed prompt); its answers cached on disk, so a killed audit resumes without asking again.
     */
    private AuditReport webApi(long t0) {
        if (request.aux() != null) {
            throw new DataException("--aux: DiffLeak fine-tunes shadows of its own architecture; for a web API give"
                    + " --shadows, models trained like the served one");
        }
        PromptedCandidates pc = PromptedCandidates.read(Path.of(request.members()), Path.of(request.nonMembers()),
                access.height(), access.width(), access.captions(), access.prompt());
        A1111Target.Options api = access.api().cacheDir() != null ? access.api()
                : access.api().withCacheDir(cache.root().resolve("web-api-answers"));
        try (A1111Target t = new A1111Target(request.target(), pc.channels(), pc.height(), pc.width(), pc.prompts(),
                api)) {
            Given given = new Given(pc.members(), pc.nonMembers(), () -> List.of(new Fact("prompts", pc.promptNote()),
                    new Fact("queries", t.summary())));
            AuditReport report = audit(null, t, "black-box (AUTOMATIC1111-style web API " + request.target()
                    + ": img2img and txt2img)", null, t0, given);
            log.println(t.summary());
            return report;
        }
    }

    private AuditReport audit(Denoiser denoiser, BlackBoxTarget bb, String access, String targetHash, long t0,
            Given given) {
        int channels = bb.channels();
        int height = bb.height();
        int width = bb.width();
        int size = Math.min(height, width);
        int classes = bb.numClasses();
        CandidateImages members = given != null ? given.members()
                : CandidateImages.read(Path.of(request.members()), channels, size, "--members");
        CandidateImages nonMembers = given != null ? given.nonMembers()
                : CandidateImages.read(Path.of(request.nonMembers()), channels, size, "--non-members");
        CandidateImages aux = request.aux() == null ? null
                : CandidateImages.read(Path.of(request.aux()), channels, size, "--aux");
        if (classes > 0) {
            members.requireLabels(classes, "--members");
            nonMembers.requireLabels(classes, "--non-members");
            if (aux != null) {
                aux.requireLabels(classes, "--aux");
            }
        }
        List<String> notRun = new ArrayList<>();
        List<String> families = families(denoiser != null, classes > 0, size, notRun);
        if (families.isEmpty()) {
            throw new IllegalArgumentException("no attack can run on this target: " + String.join("; ", notRun));
        }
        lap("data", t0);
        long tc = System.nanoTime();
        long checkSeed = Seeds.of(request.seed()).child("distribution check").seed();
        DistributionCheck check = BlindBaseline.run(members.images(), nonMembers.images(), checkSeed);
        if (request.matchDistribution()) {
            check = BlindBaseline.matched(check, members.images(), nonMembers.images(), checkSeed);
            members = members.subset(check.matched().members(), request.members() + " (matched)");
            nonMembers = nonMembers.subset(check.matched().nonMembers(), request.nonMembers() + " (matched)");
        }
        log.println(check.summary());
        lap("distribution check", tc);
        CandidateImages cands = members.concat(nonMembers, "candidates");
        log.printf("audit %s: %s, %d members / %d non-members, attacks %s%n", request.name(), request.target(),
                members.size(), nonMembers.size(), String.join(", ", families));

        List<Shadow> shadows = new ArrayList<>();
        try (NDManager m = TorchRuntime.newManager();
                OnnxImageEncoder encoder = this.access.encoder() == null || families.stream().allMatch(GRAY_BOX::contains)
                        ? null : OnnxImageEncoder.load(Path.of(this.access.encoder()), channels, height, width)) {
            if (aux != null) {
                long t1 = System.nanoTime();
                shadows = trainShadows(aux, members.size(), classes, channels, size, m);
                lap("training shadows", t1);
            } else if (request.shadowModels() != null) {
                shadows = givenShadows(Path.of(request.shadowModels()), given != null ? -1 : classes, channels, size,
                        m);
            } else {
                notRun.add("decision rules fitted on shadows (threshold, Gaussian LR, MLP) and balanced accuracy: no"
                        + " --aux images and --shadow-base model to train shadows on, and no --shadows");
            }
            long t2 = System.nanoTime();
            List<Signal> signals = signals(families, denoiser, bb, targetHash, cands, shadows, classes > 0, encoder, m);
            lap("attack signals", t2);
            List<AttackOutcome> outcomes = AuditScoring.outcomes(signals, members.size(), nonMembers.size(),
                    shadows.stream().map(Shadow::members).toList(), cands.ids(), request.attacks().metric(),
                    request.seed());
            List<Fact> facts = new ArrayList<>();
            facts.add(new Fact("target", request.target()));
            facts.add(new Fact("SHA-256", targetHash != null ? targetHash
                    : "not available: the model is served, its file is not at hand"));
            facts.add(new Fact("model", given != null ? String.format("%d×%d×%d images (channels×height×width)",
                    channels, height, width) : String.format("%d×%d×%d images, %s", channels, size, size,
                    classes > 0 ? classes + " classes" : "unconditional")));
            facts.add(new Fact("candidates", members.size() + " members (" + request.members() + ") vs "
                    + nonMembers.size() + " non-members (" + request.nonMembers() + ")" + (check.matched() == null ? ""
                    : ", the propensity-matched pairs of " + check.members() + " and " + check.nonMembers())));
            facts.add(new Fact("access", access));
            if (given != null) {
                facts.addAll(given.facts().get());
            }
            if (encoder != null) {
                facts.add(new Fact("encoder", this.access.encoder() + " (ONNX): black-box similarities add its"
                        + " features' cosine"));
            }
            facts.add(new Fact("shadow models", shadows.isEmpty() ? "none" : aux != null ? shadows.size()
                    + ", fine-tuned from " + request.shadowBase() + " on " + shadows.get(0).members()
                    + " of the attacker's images each" : shadows.size() + " given in " + request.shadowModels()));
            facts.add(new Fact("not run", notRun.isEmpty() ? "nothing" : String.join("; ", notRun)));
            return AuditReportBuilder.forModel(request, facts, cands, members.size(), shadows.size(), outcomes, timings)
                    .withDistributionCheck(check);
        }
    }

    /** The requested families that this access allows; what is dropped goes to notRun with the reason. */
    private List<String> families(boolean grayBox, boolean conditional, int size, List<String> notRun) {
        List<String> out = new ArrayList<>();
        List<String> droppedGray = new ArrayList<>();
        for (String f : request.attacks().families()) {
            if (GRAY_BOX.contains(f) && !grayBox) {
                droppedGray.add(f);
            } else if (!GRAY_BOX.contains(f) && size < ImageSimilarity.WINDOW) {
                notRun.add((f.equals("reconstruction") ? "img2img" : "label-only generation") + ": its similarity (SSIM) needs images of at least " + ImageSimilarity.WINDOW + "×"
                        + ImageSimilarity.WINDOW + " pixels, the model's are at most " + size + " on a side");
            } else if (f.equals("generation") && !conditional) {
                notRun.add("label-only generation: the model is unconditional");
            } else {
                out.add(f);
            }
        }
        if (!droppedGray.isEmpty()) {
            notRun.add("gray-box attacks (" + String.join(", ", droppedGray) + "): the target is served over HTTP,"
                    + " black-box access only");
        }
        return out;
    }

    // ---- shadows

    /**
     * Shadow k fine-tunes shadowBase on aux slice [2Mk, 2Mk+M) and is scored on it vs [2Mk+M, 2M(k+1)), M per
     * side, so its membership is known by construction.
     */
    private List<Shadow> trainShadows(CandidateImages aux, int targetMembers, int classes, int channels, int size,
            NDManager m) {
        int k = request.shadows();
        int perSide = request.shadowMembers() > 0 ? request.shadowMembers()
                : Math.min(targetMembers, aux.size() / (2 * k));
        if (perSide < 2 || 2L * perSide * k > aux.size()) {
            throw new DataException("--aux " + request.aux() + ": " + k + " shadows need 2 × " + Math.max(perSide, 2)
                    + " images each, it has " + aux.size());
        }
        Path basePath = Path.of(request.shadowBase());
        ModelCard base = ModelStore.readCard(basePath);
        if (base.unet().channels() != channels || base.unet().imageSize() != size) {
            throw new DataException("--shadow-base " + basePath + ": takes " + base.unet().channels() + "×"
                    + base.unet().imageSize() + "², the target " + channels + "×" + size + "²");
        }
        UNetConfig unet = base.unet().withClasses(classes);
        String baseHash = sha256(basePath);
        List<Shadow> shadows = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            int[] in = range(2 * perSide * s, perSide);
            int[] out = range(2 * perSide * s + perSide, perSide);
            TrainConfig t = request.shadowTrain();
            TrainConfig recipe = new TrainConfig(t.steps(), t.batchSize(), t.learningRate(), t.warmupSteps(),
                    t.weightDecay(), t.gradClip(), t.emaDecay(), t.labelDropout(), t.checkpointEvery(),
                    Seeds.of(request.seed()).child("shadow").child(s).seed());
            ImageDataset train = aux.images().subset(in, "aux:shadow " + (s + 1));
            String key = AuditCache.key("model-audit shadow", baseHash, unet, recipe, aux.sha256(), in);
            String name = "shadow " + (s + 1);
            trainOrLoad(name, key, base, unet, recipe, train, basePath, m);
            int[] both = new int[2 * perSide];
            System.arraycopy(in, 0, both, 0, perSide);
            System.arraycopy(out, 0, both, perSide, perSide);
            shadows.add(new Shadow(name, cache.model(key).resolve("model"), key,
                    aux.images().subset(both, "aux:" + name + " candidates"), AuditCache.key(aux.sha256(), both),
                    perSide));
        }
        return shadows;
    }

    private static int shadowClasses(Path model, NDManager m) {
        try (NDManager sm = m.newSubManager(); CloseableDenoiser den = Denoisers.load(model, sm)) {
            return den.numClasses();
        }
    }

    /**
     * The shadow models in folder: one subfolder each with the model and its members and non-members; classes −1
     * (a web API target, whose labels are prompts) takes each shadow's own classes and labels.
     */
    private List<Shadow> givenShadows(Path folder, int classes, int channels, int size, NDManager m) {
        if (!Files.isDirectory(folder)) {
            throw new DataException("--shadows " + folder + ": not a folder of shadow folders");
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(folder)) {
            dirs = s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException("--shadows " + folder + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (dirs.isEmpty()) {
            throw new DataException("--shadows " + folder + ": no shadow folders (each holds the model, members and"
                    + " non-members)");
        }
        List<Shadow> shadows = new ArrayList<>();
        for (Path d : dirs) {
            String name = "shadow " + d.getFileName();
            Path model = shadowModel(d);
            try (NDManager sm = m.newSubManager(); CloseableDenoiser den = Denoisers.load(model, sm)) {
                if (den.channels() != channels || den.imageSize() != size
                        || (classes >= 0 && den.numClasses() != classes)) {
                    throw new DataException(model + ": takes " + den.channels() + "×" + den.imageSize() + "² with "
                            + den.numClasses() + " classes, the target " + channels + "×" + size + "² with " + classes);
                }
            }
            CandidateImages in = CandidateImages.read(imageSet(d, "members"), channels, size, name + " members");
            CandidateImages out = CandidateImages.read(imageSet(d, "non-members"), channels, size,
                    name + " non-members");
            int own = classes >= 0 ? classes : shadowClasses(model, m);
            if (own > 0) {
                in.requireLabels(own, name + " members");
                out.requireLabels(own, name + " non-members");
            }
            CandidateImages both = in.concat(out, name + " candidates");
            shadows.add(new Shadow(name, model, sha256(model), both.images(), both.sha256(), in.size()));
        }
        return shadows;
    }

    /** A shadow folder's model: a DiffLeak model directory model/, or its one .pt, .torchscript or .onnx file. */
    private static Path shadowModel(Path dir) {
        if (Files.isDirectory(dir.resolve("model"))) {
            return dir.resolve("model");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(f -> f.getFileName().toString().matches(".*\\.(pt|torchscript|onnx)"))
                    .toList();
            if (files.size() != 1) {
                throw new DataException(dir + ": a shadow folder holds a model/ directory or exactly one .pt/.onnx"
                        + " file, found " + files.size());
            }
            return files.get(0);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /** A shadow folder's image set: a folder of that name, or a list name.txt / name.csv. */
    private static Path imageSet(Path dir, String name) {
        for (String candidate : List.of(name, name + ".txt", name + ".csv")) {
            if (Files.exists(dir.resolve(candidate))) {
                return dir.resolve(candidate);
            }
        }
        throw new DataException(dir + ": no " + name + " folder or " + name + ".txt/.csv list");
    }

    private void trainOrLoad(String name, String key, ModelCard base, UNetConfig unet, TrainConfig recipe,
            ImageDataset data, Path basePath, NDManager m) {
        Path runDir = cache.model(key);
        if (Files.isRegularFile(runDir.resolve("model").resolve(ModelStore.CARD))) {
            log.println(name + ": cached " + runDir);
            return;
        }
        log.printf("%s: fine-tuning %s on %d images, %d steps of %d%n", name, basePath, data.size(), recipe.steps(),
                recipe.batchSize());
        UNet net = new UNet(unet);
        ModelCard template = new ModelCard("unet-denoiser", unet, base.schedule(), recipe, data.name(), name,
                data.size(), 0, Double.NaN, basePath.toString(), Provenance.collect(TorchRuntime.versions()), null);
        try (NDManager sm = m.newSubManager();
                ModelStore.Loaded baseModel = ModelStore.load(basePath, true, sm);
                Params init = Audit.conditionalFrom(baseModel.params(), net, sm)) {
            new DiffusionTrainer(net, base.schedule().build(), recipe, runDir, null)
                    .train(data, template, init, true, progress.apply(name));
        }
    }

    // ---- signals

    /** Every family's rows on the target's candidates and on each shadow's (each loaded once), cached by content. */
    private List<Signal> signals(List<String> families, Denoiser denoiser, BlackBoxTarget bb, String targetHash,
            CandidateImages cands, List<Shadow> shadows, boolean conditional, OnnxImageEncoder encoder, NDManager m) {
        Similarity similarity = new Similarity(cands.images().channels(), cands.images().height(),
                cands.images().width(), encoder);
        List<String> sim = List.of(Similarity.names(encoder != null));
        String encoderKey = encoder == null ? null : sha256(Path.of(access.encoder()));
        List<Signal> specs = new ArrayList<>();
        for (String family : families) {
            specs.add(switch (family) {
                case "loss" -> Signal.template(family, "loss", "gray-box", null, List.of("score"));
                case "pia" -> Signal.template(family, "PIA", "gray-box", null, List.of("score"));
                case "pian" -> Signal.template(family, "PIAN", "gray-box", null, List.of("score"));
                case "secmi" -> Signal.template(family, "SecMI", "gray-box", null, List.of("score"));
                case "sima" -> Signal.template(family, "SimA", "gray-box", null, request.attacks().sima().columns());
                case "reconstruction" -> Signal.template(family, "img2img", "black-box", conditional ? "true" : null, sim);
                default -> Signal.template(family, "label-only generation", "black-box", "true", sim);
            });
        }
        List<double[][]> target = new ArrayList<>();
        for (Signal spec : specs) {
            target.add(rows(spec, "target", targetHash, denoiser, bb, cands.images(), cands.sha256(), conditional,
                    similarity, encoderKey));
        }
        List<List<double[][]>> perShadow = new ArrayList<>();
        for (Shadow sh : shadows) {
            List<double[][]> rows = new ArrayList<>();
            try (NDManager sm = m.newSubManager(); CloseableDenoiser d = Denoisers.load(sh.model(), sm)) {
                BlackBoxTarget sbb = new MemoizedGenerations(new LocalBlackBox(d));
                for (Signal spec : specs) {
                    rows.add(rows(spec, sh.name(), sh.hash(), d, sbb, sh.candidates(), sh.candidatesKey(),
                            d.numClasses() > 0, similarity, encoderKey));
                }
            }
            perShadow.add(rows);
        }
        List<Signal> out = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            int f = i;
            out.add(specs.get(i).withRows(target.get(i), perShadow.stream().map(r -> r.get(f)).toList()));
        }
        return out;
    }

    /**
     * One family's rows on one model, cached by content; modelKey null (a served model, which may change behind
     * its URL) computes them without the cache.
     */
    private double[][] rows(Signal spec, String role, String modelKey, Denoiser denoiser, BlackBoxTarget bb,
            ImageDataset cands, String candidatesKey, boolean conditional, Similarity similarity, String encoderKey) {
        AuditConfig.AttackSettings a = request.attacks();
        int[] labels = conditional && spec.access().equals("black-box") ? cands.labels() : null;
        long seed = Seeds.of(request.seed()).child(spec.family()).seed();
        String key = modelKey == null ? null : AuditCache.key("model-audit", modelKey, spec.family(),
                AttackSignals.settings(spec.family(), a), a.batch(), seed, candidatesKey, labels);
        if (key != null && encoderKey != null && spec.access().equals("black-box")) {
            key = AuditCache.key(key, "encoder", encoderKey);
        }
        double[][] rows = key == null ? null : cache.signals(key);
        if (rows == null) {
            log.printf("%s: %s attack on %d candidates%n", role, spec.name(), cands.size());
            rows = AttackSignals.compute(spec.family(), a, seed, denoiser, bb, cands, labels, similarity,
                    progress.apply(spec.name()));
            if (key != null) {
                cache.putSignals(key, rows);
            }
        }
        return rows;
    }

    // ---- helpers

    private static int[] range(int from, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /**
     * Hex SHA-256 of a model: a file together with its spec JSON when one lies beside it, or every regular file
     * directly in a model directory (sorted by name).
     */
    static String sha256(Path model) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(model)) {
            try (Stream<Path> s = Files.list(model)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new DataException(model + ": cannot list (" + e.getMessage() + ")", e);
            }
        } else {
            files.add(model);
            Path spec = ImportedModelSpec.specFile(model);
            if (Files.isRegularFile(spec)) {
                files.add(spec);
            }
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Path f : files) {
                try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DataException(model + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void lap(String stage, long t0) {
        timings.add(new AuditReport.Timing(stage, (System.nanoTime() - t0) / 1e9));
    }
}
