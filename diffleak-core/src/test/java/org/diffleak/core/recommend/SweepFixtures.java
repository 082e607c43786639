package org.diffleak.core.recommend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.MembershipMetrics.Interval;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.reconstruction.PriorBaseline;
import org.diffleak.core.reconstruction.ReRoBound;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.reconstruction.ReconstructionResults.ImageMetrics;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.Fact;
import org.diffleak.core.report.LinkedSection;
import org.diffleak.core.report.PrivacyRow;
import org.diffleak.core.report.ReconstructionReportWriter;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.core.report.TargetSummary;

/** Small audit and reconstruction result directories written by the project's own writers. */
public final class SweepFixtures {

    static final String LOSS = "loss · fine-tune · raw";
    static final String SECMI = "secmi · fine-tune · threshold";
    static final double SAMPLE_RATE = 0.05;
    static final long STEPS = 400;

    private SweepFixtures() {}

    /**
     * An audit with a DP-SGD sweep at ε = 1, 4, 8 and ∞ whose upper 95% bounds of TPR at 1% FPR are, for loss and
     * SecMI: (0.03, 0.05), (0.06, 0.08), (0.20, 0.12), (0.5, 0.6); at 0.1% FPR half of those.
     */
    public static Path audit(Path dir, boolean withSweep, LinkedSection... sections) {
        double[][] upper = {{0.03, 0.05}, {0.06, 0.08}, {0.20, 0.12}, {0.5, 0.6}};
        double[] eps = {1, 4, 8};
        double[] sigma = {3.0, 1.2, 0.8};
        List<PrivacyRow> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            List<PrivacyRow.AttackTpr> attacks = List.of(tpr(LOSS, upper[i][0]), tpr(SECMI, upper[i][1]));
            PrivacyRow.Accounted a = i < 3 ? new PrivacyRow.Accounted(eps[i], 1e-5, sigma[i], 1, SAMPLE_RATE, STEPS)
                    : null;
            rows.add(new PrivacyRow(i < 3 ? "DP-SGD, target ε = " + (int) eps[i] : "non-private", a, null, SECMI, 0.6,
                    upper[i][1] / 2, attacks));
        }
        List<Fact> settings = new ArrayList<>(List.of(new Fact("seed", "1")));
        if (withSweep) {
            settings.add(new Fact("defense", "DP-SGD on target and shadows at ε ∈ {1, 4, 8, inf}"));
        }
        AuditReport report = new AuditReport("fixture", "A fixture.", "None.", new TargetSummary("t", List.of()),
                settings, List.of(outcome()), List.of(), List.of(), withSweep ? rows : List.of(), List.of());
        ReportWriter.write(report.withSections(List.of(sections)), dir);
        return dir;
    }

    private static PrivacyRow.AttackTpr tpr(String name, double upper) {
        return new PrivacyRow.AttackTpr(name, upper * 0.6, new Interval(upper * 0.2, upper), upper * 0.3,
                new Interval(upper * 0.1, upper / 2));
    }

    private static AttackOutcome outcome() {
        boolean[] labels = {true, true, false, false};
        double[] scores = {0.9, 0.2, 0.5, 0.1};
        return new AttackOutcome("secmi", "fine-tune", "gray-box", "threshold",
                new ScoresCsv(List.of("a", "b", "c", "d"), labels, scores),
                MembershipMetrics.compute(labels, scores, 10, 1), null);
    }

    /**
     * A reconstruction study at ε = 1, 2, 4, 8 and ∞ whose diffusion attacker reaches, on two images, SSIM v ± 0.05
     * with v = 0.2, 0.3, 0.45, 0.6, 0.9 (so the upper bootstrap bound of the mean is v + 0.05), and encoder
     * distance 0.5, 0.4, 0.3, 0.2, 0.1 on both images.
     */
    public static Path reconstruction(Path dir) {
        double[] eps = {1, 2, 4, 8, Double.POSITIVE_INFINITY};
        double[] ssim = {0.2, 0.3, 0.45, 0.6, 0.9};
        double[] enc = {0.5, 0.4, 0.3, 0.2, 0.1};
        List<Level> levels = new ArrayList<>();
        for (int i = 0; i < eps.length; i++) {
            levels.add(level(eps[i], ssim[i], enc[i]));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("mechanism_description", "fixture");
        settings.put("images", 2);
        settings.put("delta", 1e-5);
        settings.put("sample_rate", 1.0);
        settings.put("steps", 1);
        ReconstructionReportWriter.write(new ReconstructionResults(settings, new PriorBaseline.Kappa(0.01, 0.002, 0.05, -1, 0.02, 0, 0.01, 50),
                0.02, List.of("naive", RiskSweep.DIFFUSION_ATTACK), 1, 4, 4, levels, 1), dir);
        return dir;
    }

    private static Level level(double eps, double ssim, double enc) {
        int dim = 16;
        List<List<ImageMetrics>> metrics = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            metrics.add(List.of(new ImageMetrics(0, 0.01, 20, ssim - 0.05, enc, true),
                    new ImageMetrics(1, 0.03, 15, ssim + 0.05, enc, false)));
            maps.add(new float[dim]);
        }
        List<float[]> panels = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            panels.add(new float[2 * dim]);
        }
        boolean exact = Double.isInfinite(eps);
        return new Level(eps, exact ? 0 : 5 / eps, exact ? 0 : 6 / eps,
                exact ? null : new ReRoBound.Estimate(0.2, 0.01, 1000), 0.25, exact ? Double.POSITIVE_INFINITY : eps,
                9, exact ? Double.POSITIVE_INFINITY : -9.5, 700, metrics, panels, 2, maps, new float[dim],
                new float[2 * dim], 3.5);
    }
}
