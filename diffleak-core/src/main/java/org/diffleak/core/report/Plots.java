package org.diffleak.core.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffleak.core.metrics.Roc;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.report.SvgPlot.Axis;
import org.diffleak.core.report.SvgPlot.Legend;

/**
 * The report's figures as SVG: ROC (linear and log-log) per panel, score histograms, ablation lines and the
 * calibrated attacks' TPR by number of shadows.
 */
final class Plots {

    private static final String MEMBER_COLOR = "#d55e00";
    private static final String NON_MEMBER_COLOR = "#0072b2";
    private static final String CHANCE_COLOR = "#868e96";
    private static final int ROC_SIZE = 300;
    private static final int ABLATION_SERIES = RocPanels.PALETTE.size();

    private Plots() {}

    /** A panel's exact ROC curves on linear axes, with the chance diagonal. */
    static String roc(List<AttackOutcome> attacks, Ranking ranking, RocPanels.Panel panel) {
        SvgPlot p = new SvgPlot("roc", "ROC · " + panel.title(), ROC_SIZE, ROC_SIZE,
                Axis.linear("false-positive rate", 0, 1), Axis.linear("true-positive rate", 0, 1));
        return curves(p, attacks, ranking, panel, 0);
    }

    /**
     * The same curves on log10 axes: FPR from 1/N (N non-members), the smallest non-zero rate they can give,
     * TPR from 1/M (M members), so the low-FPR region that TPR@1% and @0.1% read is visible and nothing below
     * the resolution is. Zero rates sit on the edge.
     */
    static String rocLog(List<AttackOutcome> attacks, Ranking ranking, RocPanels.Panel panel) {
        int members = 1;
        int nonMembers = 1;
        for (AttackOutcome a : attacks) {
            members = Math.max(members, a.metrics().members());
            nonMembers = Math.max(nonMembers, a.metrics().nonMembers());
        }
        SvgPlot p = new SvgPlot("roc-log", "ROC log-log · " + panel.title(), ROC_SIZE, ROC_SIZE,
                Axis.log("false-positive rate", 1.0 / nonMembers, 1), Axis.log("true-positive rate", 1.0 / members, 1));
        return curves(p, attacks, ranking, panel, Math.max(1.0 / nonMembers, 1.0 / members));
    }

    private static String curves(SvgPlot p, List<AttackOutcome> attacks, Ranking ranking, RocPanels.Panel panel,
            double chanceFrom) {
        p.line(new double[] {chanceFrom, 1}, new double[] {chanceFrom, 1}, CHANCE_COLOR, "chance", "random guess",
                false);
        List<Legend> legend = new ArrayList<>();
        for (int i : panel.attacks()) {
            ScoresCsv s = attacks.get(i).scores();
            Roc roc = Roc.of(s.labels(), s.scores());
            double[][] pts = corners(roc.fpr(), roc.tpr());
            String color = ranking.colors().get(i);
            p.line(pts[0], pts[1], color, i == ranking.best() ? "curve best" : "curve", ranking.labels().get(i),
                    false);
            legend.add(new Legend(ranking.labels().get(i) + " (AUC " + Fmt.dec(attacks.get(i).metrics().auc())
                    + ")", color, false));
        }
        legend.add(new Legend("random guess", CHANCE_COLOR, false));
        return p.legend(legend).render();
    }

    /** The points of a curve less those inside a vertical or horizontal run: the same polyline, fewer points. */
    static double[][] corners(double[] xs, double[] ys) {
        double[] cx = new double[xs.length];
        double[] cy = new double[ys.length];
        int k = 0;
        for (int i = 0; i < xs.length; i++) {
            boolean inside = i > 0 && i < xs.length - 1
                    && ((xs[i - 1] == xs[i] && xs[i] == xs[i + 1]) || (ys[i - 1] == ys[i] && ys[i] == ys[i + 1]));
            if (!inside) {
                cx[k] = xs[i];
                cy[k++] = ys[i];
            }
        }
        return new double[][] {Arrays.copyOf(cx, k), Arrays.copyOf(cy, k)};
    }

    /**
     * Member and non-member scores of one attack as overlaid histograms, each normalised to its own count.
     * The x range is the 0.5–99.5 percentile of all scores; scores beyond it count in the end bins.
     */
    static String histogram(AttackOutcome a, String label) {
        boolean[] labels = a.scores().labels();
        double[] scores = a.scores().scores();
        double[] finite = Arrays.stream(scores).filter(Double::isFinite).sorted().toArray();
        double lo = finite.length == 0 ? 0 : quantile(finite, 0.005);
        double hi = finite.length == 0 ? 1 : quantile(finite, 0.995);
        if (!(hi > lo)) {
            lo = finite.length == 0 ? 0 : finite[0] - 0.5;
            hi = finite.length == 0 ? 1 : finite[finite.length - 1] + 0.5;
        }
        int bins = Math.max(10, Math.min(40, (int) Math.ceil(2 * Math.cbrt(scores.length))));
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = lo + (hi - lo) * i / bins;
        }
        double[] members = new double[bins];
        double[] nonMembers = new double[bins];
        int m = a.metrics().members();
        int nm = a.metrics().nonMembers();
        for (int i = 0; i < scores.length; i++) {
            int b = (int) Math.floor((scores[i] - lo) / (hi - lo) * bins);
            b = Math.max(0, Math.min(bins - 1, b));
            if (labels[i]) {
                members[b] += 1.0 / m;
            } else {
                nonMembers[b] += 1.0 / nm;
            }
        }
        double top = Math.max(Arrays.stream(members).max().orElse(0), Arrays.stream(nonMembers).max().orElse(0));
        SvgPlot p = new SvgPlot("hist", label, 260, 180, Axis.linear("score (higher = member)", lo, hi),
                Axis.linearNice("fraction of group", 0, top * 1.1));
        p.steps(edges, nonMembers, NON_MEMBER_COLOR, "non-members").steps(edges, members, MEMBER_COLOR, "members");
        return p.legend(List.of(new Legend("members (" + m + ")", MEMBER_COLOR, true),
                new Legend("non-members (" + nm + ")", NON_MEMBER_COLOR, true))).render();
    }

    private static double quantile(double[] sorted, double q) {
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }

    /**
     * AUC or TPR@1%FPR against the ablation's values, one line per series (at most {@link #ABLATION_SERIES}, each
     * its own colour), chance as a dashed line.
     */
    static String ablation(Ablation ab, boolean auc, List<Ablation.Series> series) {
        double chance = auc ? 0.5 : 0.01;
        double lo = chance;
        double hi = chance;
        for (Ablation.Series s : series) {
            for (double v : auc ? s.auc() : s.tprAt1PctFpr()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        // a little room below the lowest AUC, so a line on the chance level stays off the frame
        Axis y = Axis.linearNice(auc ? "AUC" : "TPR at 1% FPR", auc ? lo - 0.05 * (hi - lo) : 0, hi);
        if (y.min() < 0 || y.max() > 1) {
            y = Axis.linear(y.title(), Math.max(0, y.min()), Math.min(1, y.max()));
        }
        Axis x = Axis.categorical(ab.parameter(), ab.values());
        String title = (auc ? "AUC" : "TPR at 1% FPR") + " vs " + ab.parameter();
        SvgPlot p = new SvgPlot("ablation " + (auc ? "ablation-auc" : "ablation-tpr"), title, 340, 220, x, y);
        p.line(new double[] {x.min(), x.max()}, new double[] {chance, chance}, CHANCE_COLOR, "chance",
                "random guess", false);
        double[] xs = new double[ab.values().size()];
        Arrays.setAll(xs, i -> i);
        List<Legend> legend = new ArrayList<>();
        for (int j = 0; j < series.size(); j++) {
            Ablation.Series s = series.get(j);
            String color = RocPanels.PALETTE.get(j);
            p.line(xs, auc ? s.auc() : s.tprAt1PctFpr(), color, "curve", s.attack(), true);
            legend.add(new Legend(s.attack(), color, false));
        }
        legend.add(new Legend("random guess", CHANCE_COLOR, false));
        return p.legend(legend).render();
    }

    /** The series in plots of at most {@link #ABLATION_SERIES}, so no colour repeats within one. */
    static List<List<Ablation.Series>> ablationParts(Ablation ab) {
        List<List<Ablation.Series>> parts = new ArrayList<>();
        for (int i = 0; i < ab.series().size(); i += ABLATION_SERIES) {
            parts.add(ab.series().subList(i, Math.min(ab.series().size(), i + ABLATION_SERIES)));
        }
        return parts;
    }

    /**
     * One calibrated method's TPR at the scaling's FPR against the number of shadows, one line per signal (at most
     * {@link #ABLATION_SERIES}), each point with its bootstrap interval.
     *
     * @param method e.g. "LiRA online"; lines are those labelled "SIGNAL · method"
     */
    static String shadowScaling(ShadowScaling sc, String method, List<ShadowScaling.Line> lines) {
        String rate = Fmt.fpr(sc.fpr());
        double hi = 0;
        for (ShadowScaling.Line l : lines) {
            for (double v : l.high()) {
                hi = Double.isFinite(v) ? Math.max(hi, v) : hi;
            }
        }
        Axis y = Axis.linearNice("TPR at " + rate + " FPR", 0, Math.max(hi, 2 * sc.fpr()));
        if (y.max() > 1) {
            y = Axis.linear(y.title(), 0, 1);
        }
        Axis x = Axis.categorical("shadow models", sc.shadows().stream().map(String::valueOf).toList());
        SvgPlot p = new SvgPlot("shadow-scaling", method + ": TPR at " + rate + " FPR vs shadows", 340, 220, x, y);
        p.line(new double[] {x.min(), x.max()}, new double[] {sc.fpr(), sc.fpr()}, CHANCE_COLOR, "chance",
                "random guess", false);
        double[] xs = new double[sc.shadows().size()];
        Arrays.setAll(xs, i -> i);
        List<Legend> legend = new ArrayList<>();
        for (int j = 0; j < lines.size() && j < ABLATION_SERIES; j++) {
            ShadowScaling.Line l = lines.get(j);
            String color = RocPanels.PALETTE.get(j);
            for (int i = 0; i < xs.length; i++) {
                p.interval(xs[i], l.low()[i], l.high()[i], color);
            }
            String signal = l.attack().substring(0, l.attack().length() - (" · " + method).length());
            p.line(xs, l.tpr(), color, "curve", signal, true);
            legend.add(new Legend(signal, color, false));
        }
        legend.add(new Legend("random guess", CHANCE_COLOR, false));
        return p.legend(legend).render();
    }
}
