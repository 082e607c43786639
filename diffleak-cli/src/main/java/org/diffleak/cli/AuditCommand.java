package org.diffleak.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.diffleak.core.audit.AuditReportBuilder;
import org.diffleak.core.audit.AuditScoring;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.audit.PrivacyAudit;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.io.DirectoryMode;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.report.Ablation;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.GradientInversionReportWriter;
import org.diffleak.core.report.PrivacyRow;
import org.diffleak.core.report.PropertyReportWriter;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.torch.DiffLeak;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.audit.Audit;
import org.diffleak.torch.audit.AuditManifest;
import org.diffleak.torch.audit.ReconstructionSection;
import org.diffleak.torch.audit.ScaleOut;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job: trains (or loads from the cache) a target and shadow models, runs every"
                + " membership attack, fits the inference models on the shadows and writes index.html,"
                + " results.json, scores.csv and manifest.json. A second run only recomputes what changed.",
            "With --target it audits your own model instead: --members and --non-members give the images it was"
                + " and was not trained on; every attack the target's access allows runs, after a check that a"
                + " classifier which never touches the model cannot tell the two sets apart (docs/audit-your-model.md)."})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "audit YAML (default: the embedded preset)")
    Path config;

    @Option(names = "--preset", defaultValue = "default",
            description = "embedded audit when no --config: default, tiny, null, ablations, dp, full or lira"
                    + " (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = {"-o", "--out"}, description = "report directory (default runs/audit-NAME)")
    Path out;

    @Option(names = "--private", description = "make the report directory owner-only (0700); its files are written"
            + " readable (0644 under the usual umask) so that a copied report can be shared")
    boolean privateDir;

    @Option(names = "--cache", defaultValue = "runs/cache",
            description = "models and signals cached by content hash (default ${DEFAULT-VALUE}); with --spark also a"
                    + " Hadoop filesystem URI (file://, hdfs://, s3a://, ...)")
    String cacheLocation;

    /** The local cache directory; null when --cache is a URI, which only the Spark audit reads. */
    Path cache;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "conf", paramLabel = "MASTER",
            description = "train the target and shadows and compute their signals as Apache Spark tasks on MASTER"
                    + " (local[2], spark://HOST:PORT, yarn, ...; no value under spark-submit, which sets it);"
                    + " the same scores as without at the same thread count (docs/spark.md)")
    String spark;

    @Option(names = "--spark-threads", defaultValue = "1",
            description = "with --spark: intra-op threads of each task (default ${DEFAULT-VALUE})")
    int sparkThreads;

    @Option(names = "--target", paramLabel = "PATH_OR_URL",
            description = "audit this model: a DiffLeak model directory, a .pt/.onnx with its spec JSON beside it, or"
                    + " the http:// URL of a `diffleak serve` endpoint (black-box attacks only)")
    String target;

    @Option(names = "--members", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: images the model was trained on (folder, class subfolders 0..k-1, or a"
                    + " text/CSV list of paths with an optional label column)")
    String members;

    @Option(names = "--non-members", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: images it was not trained on, from the same distribution")
    String nonMembers;

    @Option(names = "--aux", paramLabel = "FOLDER_OR_LIST",
            description = "with --target: the attacker's own images; shadows fine-tune from --shadow-base on them and"
                    + " the decision rules (threshold, Gaussian LR, MLP) are fitted on the shadows")
    String aux;

    @Option(names = "--shadow-base", paramLabel = "MODEL_DIR", description = "with --aux: the DiffLeak model shadows"
            + " fine-tune from")
    String shadowBase;

    @Option(names = "--shadows", paramLabel = "FOLDER",
            description = "with --target, instead of --aux: shadow models you have, one subfolder each holding the model"
                    + " (model/ directory, or one .pt/.onnx with its spec JSON) and its members and non-members (folders,"
                    + " or .txt/.csv lists)")
    String shadowModels;

    @Option(names = "--shadow-count", description = "with --aux: number of shadow models (default 2)")
    Integer shadowCount;

    @Option(names = "--shadow-steps", description = "with --aux: fine-tuning steps per shadow (default: the default"
            + " audit's recipe, 400)")
    Integer shadowSteps;

    @Option(names = "--attacks", split = ",", paramLabel = "NAME",
            description = "with --target: run only these (loss, pia, pian, secmi, reconstruction, generation;"
                    + " default every one the access allows)")
    List<String> attacks;

    @Option(names = "--seed", description = "with --target: seed of every random draw (default 0)")
    Long seed;

    @Option(names = "--match-distribution",
            description = "with --target: run the attacks only on the member / non-member pairs that the distribution"
                    + " check's blind classifier (no model) scores alike, and say how many were kept")
    boolean matchDistribution;

    @Option(names = "--property",
            description = "also run property inference and the private sampler for this property (footwear, 5,7,9, ...)"
                    + " on the base model; report in OUT/property, summary in the audit page")
    String property;

    @Option(names = "--gradient-inversion",
            description = "also run user-level gradient inversion (diffleak invert, the base model as diffusion prior);"
                    + " report in OUT/gradient-inversion, summary in the audit page")
    boolean gradientInversion;

    @Option(names = "--invert-users", defaultValue = "20",
            description = "users of the gradient-inversion section (default ${DEFAULT-VALUE})")
    int invertUsers;

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        boolean uriCache = cacheLocation.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
        if (uriCache && spark == null) {
            throw new IllegalArgumentException("--cache " + cacheLocation + ": a URI cache needs --spark");
        }
        if (spark == null && spec.commandLine().getParseResult().hasMatchedOption("--spark-threads")) {
            throw new IllegalArgumentException("--spark-threads goes with --spark");
        }
        cache = uriCache ? null : Path.of(cacheLocation);
        AuditRequest request = request();
        if (request != null) {
            if (spark != null) {
                throw new IllegalArgumentException("--spark runs the audits DiffLeak trains; drop it with --target");
            }
            return auditModel(request, log);
        }
        for (String option : List.of("--members", "--non-members", "--aux", "--shadow-base", "--shadows", "--shadow-count",
                "--shadow-steps", "--attacks", "--seed", "--match-distribution")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " goes with --target (the model to audit)");
            }
        }
        long t0 = System.nanoTime();
        AuditConfig c = config != null ? AuditConfig.read(config) : AuditConfig.preset(preset);
        Path dir = out != null ? out : Path.of("runs", "audit-" + c.name());
        if (privateDir) {
            DirectoryMode.ownerOnly(dir);
        }
        String prior = gradientInversion ? requireBase(c, "--gradient-inversion") : null;
        String base = property != null ? requireBase(c, "--property") : null;
        if (invertUsers < 1) {
            throw new IllegalArgumentException("--invert-users must be ≥ 1, got " + invertUsers);
        }
        if (uriCache && (c.reconstruction() != null || property != null || gradientInversion)) {
            throw new IllegalArgumentException("--cache " + cacheLocation + ": the reconstruction, property and"
                    + " gradient-inversion sections run here and need a local --cache directory");
        }
        TorchRuntime.init();
        log.printf("audit %s: %s scenario, %d members vs %d non-members, %d shadow(s); cache %s%n", c.name(),
                c.scenario(), c.candidates(), c.nonMemberCandidates(), c.shadows(), cacheLocation);
        AuditSignals signals = run(c, log);
        List<AttackOutcome> outcomes = AuditScoring.outcomes(signals);
        List<Ablation> ablations = new ArrayList<>();
        for (AuditConfig.Ablation a : c.ablations()) {
            ablations.add(ablation(c, a.parameter(), a.values(), log, (s, o) -> { }));
        }
        List<PrivacyRow> privacy = new ArrayList<>();
        if (c.defense() != null) {
            Ablation eps = ablation(c, "defense.epsilon", c.defense().epsilons(), log,
                    (s, o) -> privacy.add(PrivacyAudit.row(s, o)));
            ablations.add(new Ablation("ε (DP-SGD)", c.defense().labels(), eps.series(), eps.unaffected()));
        } else if (c.canaries() != null || c.target().dp() != null) {
            privacy.add(PrivacyAudit.row(signals, outcomes));
        }
        AuditReport report = AuditReportBuilder.build(signals, outcomes, ablations, privacy)
                .withComputedOn(TorchRuntime.computedOn());
        if (c.reconstruction() != null) {
            report = report.withSections(List.of(new ReconstructionSection(c, cache, log,
                    task -> ConsoleProgress.forConsole(log)).run(dir)));
        }
        if (property != null) {
            Path sub = dir.resolve("property");
            subcommand(new PropertyCommand(), "property", "--property", property, "--base", base, "--out",
                    sub.toString(), "--cache", cache.resolve("property").toString());
            report = report.withSections(List.of(PropertyReportWriter.section(sub.resolve(PropertyReportWriter.RESULTS),
                    "property/" + PropertyReportWriter.HTML)));
        }
        if (gradientInversion) {
            Path sub = dir.resolve("gradient-inversion");
            subcommand(new InvertCommand(), "gradient-inversion", "--model", prior,
                    "--users", Integer.toString(invertUsers), "--out", sub.toString(), "--cache",
                    cache.resolve("invert").toString());
            report = report.withSections(List.of(GradientInversionReportWriter.section(
                    sub.resolve(GradientInversionReportWriter.RESULTS), "gradient-inversion/"
                            + GradientInversionReportWriter.HTML)));
        }
        ReportWriter.write(report, dir);
        AuditManifest.write(dir, "config", c, uriCache ? cacheLocation : cache.toAbsolutePath().toString(), report, t0);
        print(log, outcomes);
        printPrivacy(log, privacy);
        log.printf("audit done in %.1f min: report %s%n", (System.nanoTime() - t0) / 60e9,
                dir.resolve(ReportWriter.HTML).toAbsolutePath());
        return 0;
    }

    /** The audit of the user's own model that --target or a request YAML asks for, or null for a trained audit. */
    private AuditRequest request() {
        boolean yaml = config != null && AuditRequest.isRequest(config);
        if (target == null && !yaml) {
            return null;
        }
        if (target != null && config != null) {
            throw new IllegalArgumentException("pass --target or --config, not both");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--preset")) {
            throw new IllegalArgumentException("--preset makes an audit of a model DiffLeak trains; drop it with --target");
        }
        if (property != null || gradientInversion) {
            throw new IllegalArgumentException("--property and --gradient-inversion need a DiffLeak-trained audit's"
                    + " public base model; they do not run with --target");
        }
        AuditRequest r = yaml ? AuditRequest.read(config) : AuditRequest.of(target, require(members, "--members"),
                require(nonMembers, "--non-members"));
        if (aux != null || shadowBase != null) {
            r = r.withShadows(aux, shadowBase, shadowCount != null ? shadowCount : r.shadows());
        }
        if (shadowModels != null) {
            r = r.withShadowModels(shadowModels);
        }
        if (shadowSteps != null) {
            TrainConfig t = r.shadowTrain();
            r = r.withShadowTrain(new TrainConfig(shadowSteps, t.batchSize(), t.learningRate(),
                    Math.min(t.warmupSteps(), shadowSteps), t.weightDecay(), t.gradClip(), t.emaDecay(),
                    t.labelDropout(), Math.min(t.checkpointEvery(), shadowSteps), t.seed()));
        }
        if (attacks != null) {
            r = r.withAttacks(attacks);
        }
        if (matchDistribution) {
            r = r.withMatchDistribution(true);
        }
        return seed != null ? r.withSeed(seed) : r;
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException("--target needs " + option + " (a folder of images or a list file)");
        }
        return value;
    }

    private int auditModel(AuditRequest request, PrintWriter log) {
        long t0 = System.nanoTime();
        Path dir = out != null ? out : Path.of("runs", "audit-" + request.name());
        if (privateDir) {
            DirectoryMode.ownerOnly(dir);
        }
        AuditReport report = DiffLeak.audit(request, dir, cache, log, task -> ConsoleProgress.forConsole(log));
        print(log, report.attacks());
        log.printf("audit done in %.1f min: report %s%n", (System.nanoTime() - t0) / 60e9,
                dir.resolve(ReportWriter.HTML).toAbsolutePath());
        return 0;
    }

    private static String requireBase(AuditConfig c, String option) {
        if (c.base() == null) {
            throw new IllegalArgumentException(option + " needs the fine-tune scenario: its public base model is the"
                    + " attacker's prior");
        }
        return c.base();
    }

    /** Runs another diffleak command as one of the audit's sections, with this command's output and errors. */
    private void subcommand(Object command, String section, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        cl.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
        int code = cl.execute(args);
        if (code != 0) {
            throw new IllegalStateException("the " + section + " section failed (exit " + code + ")");
        }
    }

    private AuditSignals run(AuditConfig c, PrintWriter log) {
        if (spark != null) {
            return ScaleOut.find().audit(c, spark, cacheLocation, sparkThreads, log,
                    task -> ConsoleProgress.forConsole(log));
        }
        return new Audit(c, cache, log, task -> ConsoleProgress.forConsole(log)).run();
    }

    /**
     * Reruns the audit with each value of the ablated parameter (cached models and signals are reused),
     * handing each run's signals and outcomes to `each` as well. Attacks whose scores the parameter leaves
     * unchanged at every value are listed as unaffected instead of drawn as flat lines; a TPR at 1% FPR that
     * the non-members cannot resolve is NaN.
     */
    private Ablation ablation(AuditConfig c, String parameter, List<String> values, PrintWriter log,
            BiConsumer<AuditSignals, List<AttackOutcome>> each) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        Map<String, double[]> firstScores = new HashMap<>();
        Set<String> affected = new HashSet<>();
        for (int v = 0; v < values.size(); v++) {
            String value = values.get(v);
            log.printf("ablation %s = %s%n", parameter, value);
            AuditSignals s = run(c.with(parameter, value), log);
            List<AttackOutcome> outcomes = AuditScoring.outcomes(s);
            each.accept(s, outcomes);
            for (AttackOutcome o : outcomes) {
                String key = AuditScoring.seriesKey(o);
                double[][] pts = series.computeIfAbsent(key, k -> {
                    double[][] p = new double[2][values.size()];
                    Arrays.fill(p[0], Double.NaN);
                    Arrays.fill(p[1], Double.NaN);
                    return p;
                });
                double[] first = firstScores.putIfAbsent(key, o.scores().scores());
                if (first != null ? !Arrays.equals(first, o.scores().scores()) : v > 0) {
                    affected.add(key);
                }
                MembershipMetrics m = o.metrics();
                pts[0][v] = m.auc();
                pts[1][v] = m.resolves(MembershipMetrics.FPR_1PCT) ? m.tprAt1PctFpr() : Double.NaN;
            }
        }
        List<Ablation.Series> lines = new ArrayList<>();
        List<String> unaffected = new ArrayList<>();
        series.forEach((key, pts) -> {
            if (affected.contains(key) || Arrays.stream(pts[0]).anyMatch(Double::isNaN)) {
                lines.add(new Ablation.Series(key, pts[0], pts[1]));
            } else {
                unaffected.add(key);
            }
        });
        return new Ablation(parameter, values, lines, unaffected);
    }

    /** The accountant's ε (upper bound) beside the canary audit's (lower bound). */
    private static void printPrivacy(PrintWriter log, List<PrivacyRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        log.printf("%-28s %14s %14s  %s%n", "privacy", "ε accountant", "ε audited", "strongest attack (AUC)");
        for (PrivacyRow r : rows) {
            log.printf("%-28s %14s %14s  %s%n", r.setting(),
                    r.accounted() == null ? "∞" : String.format("≤ %.3f", r.accounted().epsilon()),
                    r.audited() == null ? "—" : String.format("≥ %.3f", r.audited().epsilon()),
                    r.bestAttack() == null ? "—" : String.format("%s (%.3f)", r.bestAttack(), r.auc()));
        }
    }

    /** A TPR at an FPR for the console table, or n/r where the non-members cannot resolve that FPR. */
    private static String tpr(MembershipMetrics m, double fpr, double value) {
        return m.resolves(fpr) ? String.format("%.3f", value) : "n/r";
    }

    private static void print(PrintWriter log, List<AttackOutcome> outcomes) {
        log.printf("%-46s %-44s %-11s %6s %9s %9s%n", "attack", "scenario", "inference", "AUC", "TPR@1%", "TPR@0.1%");
        for (AttackOutcome o : outcomes) {
            log.printf("%-46s %-44s %-11s %6.3f %9s %9s%n", o.name(), o.scenario(), o.inference(), o.metrics().auc(),
                    tpr(o.metrics(), MembershipMetrics.FPR_1PCT, o.metrics().tprAt1PctFpr()),
                    tpr(o.metrics(), MembershipMetrics.FPR_01PCT, o.metrics().tprAt01PctFpr()));
        }
        MembershipMetrics first = outcomes.isEmpty() ? null : outcomes.get(0).metrics();
        if (first != null && !first.resolves(MembershipMetrics.FPR_01PCT)) {
            log.println("n/r: " + MembershipMetrics.unresolvable(first.resolves(MembershipMetrics.FPR_1PCT)
                    ? MembershipMetrics.FPR_01PCT : MembershipMetrics.FPR_1PCT, first.nonMembers()));
        }
    }
}
