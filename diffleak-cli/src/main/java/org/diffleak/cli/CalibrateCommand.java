package org.diffleak.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.DataException;
import org.diffleak.core.membership.inference.Calibration;
import org.diffleak.core.membership.inference.Lira;
import org.diffleak.core.membership.inference.SignalsCsv;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Calibrated membership scores (LiRA, RMIA) from signals of a target and its shadow or reference"
                + " models, e.g. signals another tool computed.",
            "SIGNALS.csv: header model,id,in,signal[,dim]; model = target for the audited model, any other name for a"
                + " shadow; in = 1 where that model trained on that sample (for the target: ground truth for the"
                + " metrics, may be empty); signal higher = more likely member.",
            "For rmia, signal is read as log Pr(x|θ) (e.g. the log-probability of the true label, or an ELBO in nats)."})
final class CalibrateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--signals", required = true, paramLabel = "SIGNALS.csv", description = "model,id,in,signal[,dim]")
    Path signals;

    @Option(names = "--method", required = true, description = "lira-online, lira-offline or rmia")
    String method;

    @Option(names = "--variance", defaultValue = "auto", description = "LiRA's σ: auto (fixed below "
            + Lira.PER_EXAMPLE_FROM + " shadows, per example from there, as the LiRA code), global or per-example")
    String variance;

    @Option(names = "--one-sided", description = "lira-offline: the paper's one-sided test instead of the code's"
            + " two-sided Gaussian density")
    boolean oneSided;

    @Option(names = "--population", paramLabel = "IDS.txt", description = "ids no model trained on, one per line"
            + " (RMIA's population z; needed by rmia)")
    Path population;

    @Option(names = "--gamma", defaultValue = "1", description = "RMIA's γ ≥ 1 (default ${DEFAULT-VALUE})")
    double gamma;

    @Option(names = "--offline-a", paramLabel = "A", description = "RMIA offline: only OUT reference models, with"
            + " Pr(x) ≈ ((1+a)/2) Pr_OUT(x) + (1−a)/2")
    Double offlineA;

    @Option(names = "--likelihood", defaultValue = "log-prob", description = "rmia: log-prob (the signal is"
            + " log Pr(x|θ)) or gaussian (any signal: Pr(x|θ) = Φ((s − median of the references on x)/σ))")
    String likelihood;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "SCORES.csv", description = "id,label,score")
    Path out;

    @Option(names = "--bootstrap", defaultValue = "1000", description = "bootstrap resamples of the intervals")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "0", description = "bootstrap seed")
    long seed;

    @Option(names = "--json", description = "print the metrics as JSON")
    boolean json;

    @Override
    public Integer call() {
        Calibration.Method m = Calibration.Method.parse(method);
        if (!likelihood.equals("log-prob") && !likelihood.equals("gaussian")) {
            throw new IllegalArgumentException("--likelihood must be log-prob or gaussian, got '" + likelihood + "'");
        }
        Calibration.Options o = new Calibration.Options(m, variance(variance), oneSided, gamma,
                offlineA == null ? Double.NaN : offlineA, likelihood.equals("gaussian"));
        List<String> pop = population == null ? List.of() : ids(population);
        SignalsCsv s = SignalsCsv.read(signals, pop, m == Calibration.Method.RMIA);
        double[] scores = Calibration.scores(s, o);
        StringBuilder b = new StringBuilder("id,label,score\n");
        for (int i = 0; i < scores.length; i++) {
            b.append(s.candidates().get(i)).append(',').append(s.labels() == null ? "" : s.labels()[i] ? "1" : "0")
                    .append(',').append(scores[i]).append('\n');
        }
        AtomicFiles.writeString(out, b.toString());
        var w = spec.commandLine().getOut();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("method", m.id());
        r.put("candidates", scores.length);
        r.put("models", s.shadowNames().size());
        r.put("scores", out.toString());
        if (s.labels() != null) {
            MembershipMetrics mm = MembershipMetrics.compute(s.labels(), scores, bootstrap, seed);
            r.put("auc", mm.auc());
            r.put("auc_ci95", List.of(mm.aucCi().low(), mm.aucCi().high()));
            put(r, "tpr_at_1pct_fpr", mm, MembershipMetrics.FPR_1PCT, mm.tprAt1PctFpr(), mm.tprAt1PctFprCi());
            put(r, "tpr_at_0_1pct_fpr", mm, MembershipMetrics.FPR_01PCT, mm.tprAt01PctFpr(), mm.tprAt01PctFprCi());
            r.put("members", mm.members());
            r.put("non_members", mm.nonMembers());
        }
        if (json) {
            w.println(Json.toJson(r));
        } else {
            w.printf(Locale.ROOT, "%s: %d candidates, %d shadow/reference models; scores in %s%n", m.id(),
                    scores.length, s.shadowNames().size(), out);
            if (s.labels() != null) {
                w.printf(Locale.ROOT, "AUC %.4f; TPR at 1%% FPR %s; TPR at 0.1%% FPR %s%n", r.get("auc"),
                        r.get("tpr_at_1pct_fpr"), r.get("tpr_at_0_1pct_fpr"));
            }
        }
        return 0;
    }

    /** A TPR at x FPR with its interval, or null with the reason where the non-members cannot resolve it. */
    private static void put(Map<String, Object> r, String key, MembershipMetrics m, double fpr, double tpr,
            MembershipMetrics.Interval ci) {
        if (m.resolves(fpr)) {
            r.put(key, tpr);
            r.put(key + "_ci95", List.of(ci.low(), ci.high()));
        } else {
            r.put(key, null);
            r.put(key + "_reason", MembershipMetrics.unresolvable(fpr, m.nonMembers()));
        }
    }

    private static Lira.Variance variance(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Lira.Variance.AUTO;
            case "global" -> Lira.Variance.GLOBAL;
            case "per-example" -> Lira.Variance.PER_EXAMPLE;
            default -> throw new IllegalArgumentException("--variance must be auto, global or per-example, got '"
                    + v + "'");
        };
    }

    private static List<String> ids(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such population file");
        }
        try {
            List<String> ids = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    ids.add(line.trim());
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
