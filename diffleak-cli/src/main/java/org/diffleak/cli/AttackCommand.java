package org.diffleak.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.diffleak.core.data.CandidateImages;
import org.diffleak.core.data.DataConfig;
import org.diffleak.core.data.Datasets;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.data.PromptedCandidates;
import org.diffleak.core.data.Splits;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.blackbox.A1111Target;
import org.diffleak.core.membership.blackbox.BlackBoxAccess;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.membership.blackbox.GenerationAttack;
import org.diffleak.core.membership.blackbox.ReconstructionAttack;
import org.diffleak.core.membership.blackbox.RemoteTarget;
import org.diffleak.core.membership.blackbox.Similarity;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.util.Json;
import org.diffleak.torch.imports.CloseableDenoiser;
import org.diffleak.torch.imports.Denoisers;
import org.diffleak.torch.imports.OnnxImageEncoder;
import org.diffleak.torch.membership.LocalBlackBox;
import org.diffleak.torch.membership.LossAttack;
import org.diffleak.torch.membership.MembershipAttack;
import org.diffleak.torch.membership.PiaAttack;
import org.diffleak.torch.membership.SecMiAttack;
import org.diffleak.torch.membership.SimaAttack;
import org.diffleak.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one membership attack on a model or a served endpoint (--url): candidates are image folders or"
                + " lists (--members DIR_OR_LIST --non-members DIR_OR_LIST), or the first --count images of a member"
                + " split and of a non-member split (indices from a splits.json); writes raw scores (id,label,score)"
                + " and prints the metrics.")
final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, description = "target: model directory, .pt or .onnx") Path model;
    @Option(names = {"--url", "--target"}, paramLabel = "URL", description = "black-box target instead of -m: the"
            + " http(s):// URL of `diffleak serve`, or a1111+http(s)://HOST:PORT for an AUTOMATIC1111-style web API")
    String url;
    @Mixin BlackBoxAccessOptions blackBoxAccess;
    @Option(names = "--attack", defaultValue = "pia",
            description = "gray-box loss, pia, pian, secmi, sima; black-box reconstruction, generation (default ${DEFAULT-VALUE})")
    String attack;
    @Option(names = "--strength", defaultValue = "0.3", description = "reconstruction: noise strength s (default ${DEFAULT-VALUE})") double strength;
    @Option(names = "--ddim-steps", defaultValue = "10", description = "black-box: DDIM steps per query (default ${DEFAULT-VALUE})") int ddimSteps;
    @Option(names = "--noisings", defaultValue = "2", description = "reconstruction: noisings per candidate (default ${DEFAULT-VALUE})") int noisings;
    @Option(names = "--generations", defaultValue = "16", description = "generation: images per label (default ${DEFAULT-VALUE})") int generations;
    @Option(names = "--metric", defaultValue = "ssim", description = "black-box score: ssim or neg_l2 (default ${DEFAULT-VALUE})") String metric;
    @Option(names = "--splits", description = "splits.json (default: MODEL/splits.json)") Path splitsFile;
    @Option(names = "--members", defaultValue = "public",
            description = "images the target trained on: a folder or list file of images, or a split name of the splits"
                    + " file (default ${DEFAULT-VALUE})") String membersSplit;
    @Option(names = "--non-members", defaultValue = "nonmembers",
            description = "held-out images: a folder or list file, or a split name (default ${DEFAULT-VALUE})")
    String nonMembersSplit;
    @Option(names = "--count", defaultValue = "1000", description = "candidates per side (default ${DEFAULT-VALUE})") int count;
    @Option(names = "--dataset", defaultValue = "fashion-mnist") String dataset;
    @Option(names = "--data-dir") String dataDir;
    @Option(names = "--t", description = "timestep of the attack (defaults: loss 100, PIA 200, SecMI 100, SimA 10)") Integer t;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the loss attack's noise") long seed;
    @Option(names = "--batch", defaultValue = "128") int batch;
    @Option(names = {"-o", "--out"}, defaultValue = "scores.csv", description = "raw scores CSV (default ${DEFAULT-VALUE})") Path out;
    @Option(names = "--json", description = "print the metrics as JSON") boolean json;

    @Override
    public Integer call() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be ≥ 1");
        }
        boolean blackBox = attack.equals("reconstruction") || attack.equals("generation");
        if ((model == null) == (url == null)) {
            throw new IllegalArgumentException("pass exactly one target: -m MODEL or --url URL");
        }
        if (url != null && !blackBox) {
            throw new IllegalArgumentException("--url gives black-box access only: use --attack reconstruction or generation");
        }
        boolean encoder = blackBoxAccess.encoder != null;
        int column = List.of(Similarity.names(encoder)).indexOf(metric);
        if (blackBox && column < 0) {
            throw new IllegalArgumentException("--metric must be ssim or neg_l2" + (encoder ? " or encoder_cosine" : "")
                    + ", got " + metric);
        }
        if (!blackBox && encoder) {
            throw new IllegalArgumentException("--encoder goes with the black-box attacks (reconstruction, generation)");
        }
        BlackBoxAccess access = blackBoxAccess.access(url, spec,
                Path.of("runs", "cache", "web-api-answers"));
        MembershipAttack a = blackBox ? null : switch (attack) {
            case "loss" -> new LossAttack(t == null ? 100 : t, 4, seed, batch);
            case "pia" -> new PiaAttack(t == null ? 200 : t, 4, false, batch);
            case "pian" -> new PiaAttack(t == null ? 200 : t, 4, true, batch);
            case "secmi" -> new SecMiAttack(t == null ? 100 : t, 10, batch);
            case "sima" -> new SimaAttack(t == null ? 10 : t, batch, SimaAttack.Statistic.L4);
            default -> throw new IllegalArgumentException("--attack must be loss, pia, pian, secmi, sima, reconstruction or"
                    + " generation, got " + attack);
        };
        String name = a != null ? a.name() : attack.equals("reconstruction")
                ? new ReconstructionAttack(strength, ddimSteps, noisings, seed, batch).name() + ", " + metric
                : new GenerationAttack(generations, ddimSteps, seed, batch).name() + ", " + metric;
        var log = spec.commandLine().getOut();
        boolean images = Files.exists(Path.of(membersSplit)) || Files.exists(Path.of(nonMembersSplit));
        Path sf = splitsFile != null ? splitsFile : (model != null && Files.isDirectory(model) ? model.resolve("splits.json") : null);
        if (!images && (sf == null || !Files.isRegularFile(sf))) {
            throw new DataException("no candidates: pass --members and --non-members as image folders or lists, or"
                    + " --splits (the splits.json written beside the training run) with split names");
        }
        Function<int[], Picked> candidates = shape -> images
                ? fromImages(shape[0], shape[1])
                : fromSplits(Splits.load(sf), sf, shape[0], shape[1], log);
        Picked cands;
        double[] scores;
        if (url != null && A1111Target.isUrl(url)) {
            if (!images) {
                throw new DataException("an AUTOMATIC1111-style target takes --members and --non-members as image"
                        + " folders or lists");
            }
            PromptedCandidates pc = PromptedCandidates.read(Path.of(membersSplit), Path.of(nonMembersSplit),
                    access.height(), access.width(), access.captions(), access.prompt());
            try (A1111Target web = new A1111Target(url, pc.channels(), pc.height(), pc.width(), pc.prompts(),
                    access.api())) {
                cands = new Picked(pc.members().concat(pc.nonMembers(), "candidates"), pc.members().size());
                scores = blackBox(web, cands.images().images(), column, log);
                log.println("prompts: " + pc.promptNote());
                log.println(web.summary());
            }
        } else if (url != null) {
            try (RemoteTarget remote = new RemoteTarget(url, RemoteTarget.Options.defaults(), access.token())) {
                cands = candidates.apply(new int[] {remote.channels(), remote.imageSize()});
                scores = blackBox(remote, cands.images().images(), column, log);
                log.printf("%d queries to %s%n", remote.queries(), url);
            }
        } else {
            try (NDManager m = TorchRuntime.newManager(); CloseableDenoiser d = Denoisers.load(model, m)) {
                cands = candidates.apply(new int[] {d.channels(), d.imageSize()});
                scores = blackBox ? blackBox(new LocalBlackBox(d), cands.images().images(), column, log)
                        : a.score(d, cands.images().images(), ConsoleProgress.forConsole(log));
            }
        }
        int members = cands.members();
        boolean[] labels = new boolean[cands.images().size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < members;
        }
        List<String> ids = cands.images().ids();
        new ScoresCsv(ids, labels, scores).write(out);
        MembershipMetrics mm = MembershipMetrics.compute(labels, scores, 1000, 0);
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("attack", name);
            r.put("auc", mm.auc());
            r.put("tpr_at_1pct_fpr", mm.tprAt1PctFpr());
            r.put("tpr_at_0_1pct_fpr", mm.tprAt01PctFpr());
            r.put("balanced_accuracy", mm.balancedAccuracy());
            r.put("auc_ci95", mm.aucCi());
            log.println(Json.toJson(r));
        } else {
            log.printf("%s on %d members / %d non-members: AUC %.4f [%.4f, %.4f], TPR@1%%FPR %.4f, TPR@0.1%%FPR %.4f,"
                    + " balanced accuracy %.4f; scores in %s%n", name, members, labels.length - members, mm.auc(),
                    mm.aucCi().low(), mm.aucCi().high(), mm.tprAt1PctFpr(), mm.tprAt01PctFpr(), mm.balancedAccuracy(),
                    out);
        }
        return 0;
    }

    /** Candidates, members first: the first `members` rows. */
    private record Picked(CandidateImages images, int members) {}

    /** --members then --non-members as image folders or lists. */
    private Picked fromImages(int channels, int size) {
        CandidateImages mem = CandidateImages.read(Path.of(membersSplit), channels, size, "--members");
        return new Picked(mem.concat(CandidateImages.read(Path.of(nonMembersSplit), channels, size, "--non-members"),
                "candidates"), mem.size());
    }

    /** The first --count images of the member split, then of the non-member split; ids are dataset indices. */
    private Picked fromSplits(Splits splits, Path sf, int channels, int size, PrintWriter log) {
        int[] mem = first(splits.byName(membersSplit), count);
        int[] non = first(splits.byName(nonMembersSplit), count);
        int[] idx = new int[mem.length + non.length];
        System.arraycopy(mem, 0, idx, 0, mem.length);
        System.arraycopy(non, 0, idx, mem.length, non.length);
        ImageDataset all = Datasets.load(new DataConfig(dataset, dataDir, null, channels, size, "all", 0), log);
        if (all.size() != splits.datasetSize()) {
            throw new DataException(sf + ": made for " + splits.datasetSize() + " images, the dataset has " + all.size());
        }
        return new Picked(new CandidateImages(all.subset(idx, "candidates"),
                IntStream.of(idx).mapToObj(Integer::toString).toList(), ""), mem.length);
    }

    /** Raw black-box scores: the chosen similarity (no shadows here; `diffleak audit` fits inference models). */
    private double[] blackBox(BlackBoxTarget target, ImageDataset cands, int column, PrintWriter log) {
        Path enc = blackBoxAccess.encoder;
        double[][] f;
        try (OnnxImageEncoder encoder = enc == null ? null
                : OnnxImageEncoder.load(enc, cands.channels(), cands.height(), cands.width())) {
            Similarity sim = new Similarity(cands.channels(), cands.height(), cands.width(), encoder);
            int[] labels = target.numClasses() > 0 ? cands.labels() : null;
            f = attack.equals("reconstruction")
                    ? new ReconstructionAttack(strength, ddimSteps, noisings, seed, batch).features(target, cands, labels,
                            sim, ConsoleProgress.forConsole(log))
                    : new GenerationAttack(generations, ddimSteps, seed, batch).features(target, cands, labels, sim,
                            ConsoleProgress.forConsole(log));
        }
        double[] s = new double[f.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = f[i][column];
        }
        return s;
    }

    private static int[] first(int[] a, int n) {
        return Arrays.copyOf(a, Math.min(n, a.length));
    }
}
