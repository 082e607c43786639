package org.diffleak.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.recommend.ReRoRecommendation;
import org.diffleak.core.recommend.RiskSweep;
import org.diffleak.core.recommend.SweepRecommendation;
import org.diffleak.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "recommend", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The largest ε (and its noise multiplier σ) that keeps one tolerated risk: the ReRo bound"
                + " (--max-rero), the membership TPR an audit's DP-SGD sweep measured (--max-tpr) or what a"
                + " reconstruction study's diffusion-prior attacker recovered (--max-recon).")
final class RecommendCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--max-rero", paramLabel = "γ", description = "tolerated ReRo success γ in (κ, 1), from the bound alone")
    Double maxRero;

    @Option(names = "--max-tpr", paramLabel = "τ",
            description = "tolerated TPR at --at-fpr in (0, 1), every attack's upper 95% bound, from an audit's DP-SGD sweep")
    Double maxTpr;

    @Option(names = "--max-recon", paramLabel = "s",
            description = "tolerated mean --metric of the diffusion-prior reconstruction in (0, 1), upper 95% bound")
    Double maxRecon;

    @Option(names = "--from", paramLabel = "DIR",
            description = "the audit directory (--max-tpr) or reconstruction directory (--max-recon) holding results.json")
    Path from;

    @Option(names = "--at-fpr", defaultValue = "0.01", description = "FPR of --max-tpr: 0.01 or 0.001 (default ${DEFAULT-VALUE})")
    double atFpr;

    @Option(names = "--metric", defaultValue = "ssim", description = "ssim or encoder, for --max-recon (default ${DEFAULT-VALUE})")
    String metric;

    @Option(names = "--kappa", description = "the prior's own success κ in (0, 1), for --max-rero")
    Double kappa;

    @Option(names = {"-q", "--sample-rate"}, description = "Poisson sampling rate q in (0, 1], for --max-rero")
    Double sampleRate;

    @Option(names = "--steps", description = "optimizer steps T, for --max-rero")
    Long steps;

    @Option(names = "--delta", description = "δ in (0, 1), for --max-rero")
    Double delta;

    @Option(names = "--samples", defaultValue = "20000",
            description = "Monte Carlo samples per evaluation of the DP-SGD ReRo bound (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "seed of those draws (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    /** The most Monte Carlo work one evaluation of γ may take; the search makes a few dozen. */
    private static final double MAX_WORK = 2e8;

    @Override
    public Integer call() {
        int given = (maxRero != null ? 1 : 0) + (maxTpr != null ? 1 : 0) + (maxRecon != null ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("give exactly one tolerated risk: --max-rero, --max-tpr or --max-recon");
        }
        if (maxRero != null) {
            return bound();
        }
        double tolerance = maxTpr != null ? maxTpr : maxRecon;
        String option = maxTpr != null ? "--max-tpr" : "--max-recon";
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException(option + " must be in (0, 1), got " + tolerance);
        }
        if (from == null) {
            throw new IllegalArgumentException(option + " needs --from DIR, the directory of the measurements");
        }
        RiskSweep sweep = maxTpr != null ? RiskSweep.fromAudit(results(from), atFpr)
                : RiskSweep.fromReconstruction(reconstructionResults(from), metric);
        SweepRecommendation.Result r;
        try {
            r = SweepRecommendation.recommend(sweep, tolerance);
        } catch (SweepRecommendation.NothingWithinTolerance e) {
            if (!json) {
                table(spec.commandLine().getOut(), sweep, tolerance, null);
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", r.epsilon());
            m.put("noise_multiplier", r.noiseMultiplier());
            m.put("binding", r.binding());
            m.put("source", sweep.source());
            m.put("tolerance", tolerance);
            m.put("measure", sweep.measure() + ", upper 95% bootstrap bound");
            m.put("interpolated", r.interpolated());
            m.put("where", r.where());
            m.put("accountant", "rdp");
            m.put("points", points(sweep, tolerance));
            m.put("protects", SweepRecommendation.scope(sweep));
            out.println(Json.toJson(m));
        } else {
            out.printf(Locale.ROOT, "Recommended ε = %.4g (σ = %.4g), %s%n", r.epsilon(), r.noiseMultiplier(),
                    r.where());
            table(out, sweep, tolerance, r);
            out.println(SweepRecommendation.scope(sweep));
        }
        return 0;
    }

    private int bound() {
        if (kappa == null || sampleRate == null || steps == null || delta == null) {
            throw new IllegalArgumentException("--max-rero needs --kappa, --sample-rate, --steps and --delta");
        }
        if (from != null) {
            throw new IllegalArgumentException("--max-rero works from the bound alone: drop --from");
        }
        if (samples * (double) steps > MAX_WORK) {
            throw new IllegalArgumentException("--samples × --steps = " + samples * (double) steps
                    + " is too much work for a search (at most " + MAX_WORK + " per evaluation)");
        }
        ReRoRecommendation.Result r = ReRoRecommendation.recommend(maxRero, kappa, sampleRate, steps, delta, samples,
                seed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epsilon", r.epsilon());
            m.put("noise_multiplier", r.noiseMultiplier());
            m.put("binding", r.binding());
            m.put("source", "rero_bound");
            m.put("tolerance", maxRero);
            m.put("kappa", kappa);
            m.put("sample_rate", sampleRate);
            m.put("steps", steps);
            m.put("delta", delta);
            m.put("accountant", "rdp");
            m.put("monte_carlo", side(r.monteCarlo()));
            m.put("monte_carlo_samples", samples);
            m.put("gdp", side(r.gdp()));
            m.put("protects", ReRoRecommendation.SCOPE);
            out.println(Json.toJson(m));
            return 0;
        }
        out.printf(Locale.ROOT, "Recommended ε = %.4g (σ = %.4g) at δ = %s, q = %s, T = %d: ReRo γ ≤ %s for κ = %s%n",
                r.epsilon(), r.noiseMultiplier(), plain(delta), plain(sampleRate), steps, plain(maxRero), plain(kappa));
        out.printf(Locale.ROOT, "%-36s %10s %10s %18s%n", "bound", "σ", "ε (RDP)", "γ at σ");
        boolean mcBinds = ReRoRecommendation.MONTE_CARLO.equals(r.binding());
        out.printf(Locale.ROOT, "%-36s %10.4g %10.4g %18s%s%n", "DP-SGD, Monte Carlo (N = " + samples + ")",
                r.monteCarlo().noiseMultiplier(), r.monteCarlo().epsilon(), String.format(Locale.ROOT, "%.4f ± %.4f",
                        r.monteCarlo().gamma(), r.monteCarlo().standardError()), mcBinds ? "  ← binds" : "");
        out.printf(Locale.ROOT, "%-36s %10.4g %10.4g %18s%s%n", sampleRate == 1 ? "μ-GDP, exact μ = √T/σ"
                : "μ-GDP, CLT μ (approximation)", r.gdp().noiseMultiplier(),
                r.gdp().epsilon(), String.format(Locale.ROOT, "%.4f", r.gdp().gamma()), mcBinds ? "" : "  ← binds");
        out.println(ReRoRecommendation.SCOPE);
        return 0;
    }

    private static Map<String, Object> side(ReRoRecommendation.Side s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("noise_multiplier", s.noiseMultiplier());
        m.put("epsilon", s.epsilon());
        m.put("gamma", s.gamma());
        m.put("gamma_stderr", s.standardError());
        return m;
    }

    /** The measured levels, the recommendation (if any) in its place by ε. */
    private static void table(PrintWriter out, RiskSweep sweep, double tolerance, SweepRecommendation.Result r) {
        String head = sweep.measure();
        out.printf(Locale.ROOT, "%-10s %8s %10s %10s  %-8s  %s%n", "ε", "σ", "value", "upper 95%", "τ = "
                + plain(tolerance), "worst attack (" + head + ")");
        boolean placed = r == null;
        for (RiskSweep.Level l : sweep.levels()) {
            if (!placed && l.epsilon() > r.epsilon()) {
                recommended(out, r);
                placed = true;
            }
            String worst = l.worst();
            RiskSweep.Risk risk = worst == null ? null : l.risks().get(worst);
            out.printf(Locale.ROOT, "%-10s %8s %10s %10s  %-8s  %s%n", eps(l.epsilon()), l.isPrivate()
                    ? String.format(Locale.ROOT, "%.4g", l.noiseMultiplier()) : "—", risk == null ? "—" : String.format(Locale.ROOT, "%.4f", risk.value()),
                    risk == null ? "—" : String.format(Locale.ROOT, "%.4f", risk.upper()),
                    risk == null || risk.upper() <= tolerance ? "within" : "above", worst == null ? "—" : worst);
        }
        if (!placed) {
            recommended(out, r);
        }
    }

    private static void recommended(PrintWriter out, SweepRecommendation.Result r) {
        out.printf(Locale.ROOT, "%-10s %8s %10s %10s  %-8s  %s%n", "→ " + eps(r.epsilon()), String.format(Locale.ROOT,
                "%.4g", r.noiseMultiplier()), "", "", "", r.interpolated() ? "recommended (interpolated in log ε)"
                        : "recommended (measured)");
    }

    private static List<Map<String, Object>> points(RiskSweep sweep, double tolerance) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RiskSweep.Level l : sweep.levels()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", l.label());
            m.put("epsilon", l.isPrivate() ? l.epsilon() : "inf");
            m.put("noise_multiplier", l.noiseMultiplier());
            Map<String, Object> risks = new LinkedHashMap<>();
            l.risks().forEach((attack, risk) -> {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("value", finite(risk.value()));
                a.put("upper", finite(risk.upper()));
                risks.put(attack, a);
            });
            m.put("attacks", risks);
            m.put("within", l.risks().values().stream().noneMatch(x -> x.upper() > tolerance));
            out.add(m);
        }
        return out;
    }

    /** A JSON number, or null where it was not measured. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String eps(double e) {
        return Double.isInfinite(e) ? "∞" : String.format(Locale.ROOT, "%.4g", e);
    }

    private static JsonNode results(Path dir) {
        Path file = Files.isDirectory(dir) ? dir.resolve("results.json") : dir;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " holds no results.json");
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** DIR's results.json, or that of DIR/reconstruction when DIR is an audit with a reconstruction section. */
    private static JsonNode reconstructionResults(Path dir) {
        JsonNode j = results(dir);
        Path section = dir.resolve("reconstruction");
        return !j.has("levels") && Files.isDirectory(dir) && Files.isRegularFile(section.resolve("results.json"))
                ? results(section) : j;
    }
}
