package org.diffleak.torch.audit;

import ai.djl.ndarray.NDManager;
import java.io.OutputStream;
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
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.diffleak.core.audit.AuditReportBuilder;
import org.diffleak.core.audit.AuditScoring;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.audit.PrivacyAudit;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.report.Ablation;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.GradientInversionReportWriter;
import org.diffleak.core.report.LinkedSection;
import org.diffleak.core.report.PrivacyRow;
import org.diffleak.core.report.PropertyReportWriter;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.inversion.FashionMnistInversion;
import org.diffleak.torch.property.PropertyStudy;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * The audit of a model DiffLeak trains, end to end: the membership audit of its config (signals from this process or
 * from a {@link ScaleOut}), the ablations it lists, the privacy rows of its defense or canaries, then the report's
 * further {@link Section}s (reconstruction under DP when the config has one, property inference, gradient
 * inversion), and the report files. What {@code diffleak audit} runs:
 *
 * <pre>{@code
 * AuditReport report = AuditPipeline.of(AuditConfig.preset("default"))
 *         .run(Path.of("runs/audit-default"));
 * }</pre>
 */
public final class AuditPipeline {

    /** A report section after the membership audit, given the directory the report goes to. */
    @FunctionalInterface
    public interface Section {
        LinkedSection run(Path auditDir);
    }

    /** Where the membership signals of a config come from. */
    @FunctionalInterface
    public interface SignalSource {
        AuditSignals signals(AuditConfig config);
    }

    private final AuditConfig config;
    private Path cache = DataFetcher.defaultCacheDir().resolve("audit");
    private String cacheName;
    private PrintWriter log = new PrintWriter(OutputStream.nullOutputStream(), true);
    private Function<String, ProgressListener> progress = task -> ProgressListener.NONE;
    private SignalSource source;
    private final List<Section> sections = new ArrayList<>();

    private AuditPipeline(AuditConfig config) {
        this.config = config;
    }

    public static AuditPipeline of(AuditConfig config) {
        return new AuditPipeline(config);
    }

    /** Models and signals, cached by content hash (default: $DIFFLEAK_CACHE/audit). */
    public AuditPipeline cache(Path dir) {
        this.cache = dir;
        return this;
    }

    public AuditPipeline log(PrintWriter log) {
        this.log = log;
        return this;
    }

    public AuditPipeline progress(Function<String, ProgressListener> progress) {
        this.progress = progress;
        return this;
    }

    /**
     * Signals from a cluster instead of this process ({@link ScaleOut}); `cacheLocation` names the cache the
     * cluster writes (a directory or a Hadoop URI) in the manifest. Sections still use {@link #cache(Path)}.
     */
    public AuditPipeline scaleOut(ScaleOut scaleOut, String master, String cacheLocation, int taskThreads) {
        this.source = c -> scaleOut.audit(c, master, cacheLocation, taskThreads, log, progress);
        this.cacheName = cacheLocation;
        return this;
    }

    /** Adds a section after the membership audit (and after the reconstruction section of the config). */
    public AuditPipeline section(Section section) {
        sections.add(section);
        return this;
    }

    /**
     * Adds property inference and the private sampler for a property (footwear, 5,7,9, ...) with the study's defaults,
     * the config's base model as the shared model; report in OUT/property.
     */
    public AuditPipeline withProperty(String property) {
        Path base = Path.of(requireBase("property inference"));
        BinaryProperty prop = BinaryProperty.parse(property);
        return section(dir -> {
            Path sub = dir.resolve("property");
            PropertyStudy.Settings settings = PropertyStudy.Settings.defaults(prop, base);
            PropertyResults r;
            try (NDManager m = TorchRuntime.newManager()) {
                r = new PropertyStudy(settings, cache.resolve("property"), log, progress)
                        .run(PropertyStudy.Data.fashionMnist(base, null, settings.seed(), log), m);
            }
            PropertyReportWriter.write(r, sub);
            return PropertyReportWriter.section(sub.resolve(PropertyReportWriter.RESULTS),
                    "property/" + PropertyReportWriter.HTML);
        });
    }

    /** Adds user-level gradient inversion with the config's base model as diffusion prior; report in OUT/gradient-inversion. */
    public AuditPipeline withGradientInversion(int users) {
        Path prior = Path.of(requireBase("gradient inversion"));
        if (users < 1) {
            throw new IllegalArgumentException("gradient inversion needs ≥ 1 user, got " + users);
        }
        return section(dir -> {
            Path sub = dir.resolve("gradient-inversion");
            InversionResults r = FashionMnistInversion.run(FashionMnistInversion.defaults(users), prior, null,
                    cache.resolve("invert"), 2000, 6000, log, progress);
            GradientInversionReportWriter.write(r, sub);
            return GradientInversionReportWriter.section(sub.resolve(GradientInversionReportWriter.RESULTS),
                    "gradient-inversion/" + GradientInversionReportWriter.HTML);
        });
    }

    private String requireBase(String what) {
        if (config.base() == null) {
            throw new IllegalArgumentException(what + " needs the fine-tune scenario: its public base model is the"
                    + " attacker's prior");
        }
        return config.base();
    }

    /** Runs every stage and writes index.html, results.json, scores.csv and manifest.json into out. */
    public AuditReport run(Path out) {
        long t0 = System.nanoTime();
        TorchRuntime.init();
        SignalSource signalsOf = source != null ? source : c -> new Audit(c, cache, log, progress).run();
        AuditSignals signals = signalsOf.signals(config);
        List<AttackOutcome> outcomes = AuditScoring.outcomes(signals);
        List<Ablation> ablations = new ArrayList<>();
        for (AuditConfig.Ablation a : config.ablations()) {
            ablations.add(ablation(signalsOf, a.parameter(), a.values(), (s, o) -> { }));
        }
        List<PrivacyRow> privacy = new ArrayList<>();
        if (config.defense() != null) {
            Ablation eps = ablation(signalsOf, "defense.epsilon", config.defense().epsilons(),
                    (s, o) -> privacy.add(PrivacyAudit.row(s, o)));
            ablations.add(new Ablation("ε (DP-SGD)", config.defense().labels(), eps.series(), eps.unaffected()));
        } else if (config.canaries() != null || config.target().dp() != null) {
            privacy.add(PrivacyAudit.row(signals, outcomes));
        }
        AuditReport report = AuditReportBuilder.build(signals, outcomes, ablations, privacy)
                .withComputedOn(TorchRuntime.computedOn());
        List<Section> all = new ArrayList<>();
        if (config.reconstruction() != null) {
            all.add(new ReconstructionSection(config, cache, log, progress)::run);
        }
        all.addAll(sections);
        for (Section s : all) {
            report = report.withSections(List.of(s.run(out)));
        }
        ReportWriter.write(report, out);
        AuditManifest.write(out, "config", config, cacheName != null ? cacheName : cache.toAbsolutePath().toString(),
                report, t0);
        return report;
    }

    /**
     * Reruns the audit with each value of the ablated parameter (cached models and signals are reused),
     * handing each run's signals and outcomes to `each` as well. Attacks whose scores the parameter leaves
     * unchanged at every value are listed as unaffected instead of drawn as flat lines; a TPR at 1% FPR that
     * the non-members cannot resolve is NaN.
     */
    private Ablation ablation(SignalSource signalsOf, String parameter, List<String> values,
            BiConsumer<AuditSignals, List<AttackOutcome>> each) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        Map<String, double[]> firstScores = new HashMap<>();
        Set<String> affected = new HashSet<>();
        for (int v = 0; v < values.size(); v++) {
            String value = values.get(v);
            log.printf("ablation %s = %s%n", parameter, value);
            AuditSignals s = signalsOf.signals(config.with(parameter, value));
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
}
