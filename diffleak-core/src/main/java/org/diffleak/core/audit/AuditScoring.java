package org.diffleak.core.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.inference.GaussianLikelihoodRatio;
import org.diffleak.core.inference.MembershipInference;
import org.diffleak.core.inference.MlpInference;
import org.diffleak.core.inference.ThresholdInference;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.report.AttackOutcome;

/**
 * From raw signals to per-attack outcomes. Every inference model is fitted on the shadow models' signals
 * alone (their membership is known by construction) and only then applied to the target; the target's
 * labels serve the metrics and nothing else. Gray-box scores are used raw (AUC needs no threshold) and
 * also get a shadow-fitted threshold for the balanced accuracy of a real decision.
 */
public final class AuditScoring {

    public static final int BOOTSTRAPS = 1000;

    private AuditScoring() {}

    public static List<AttackOutcome> outcomes(AuditSignals s) {
        boolean[] targetLabels = labels(s.targetMembers(), s.targetNonMembers());
        List<String> ids = IntStream.of(s.targetIds()).mapToObj(Integer::toString).toList();
        List<AttackOutcome> out = new ArrayList<>();
        for (Signal sig : s.signals()) {
            double[][] shadow = pooled(sig.shadows());
            boolean[] shadowLabels = pooledLabels(sig.shadows().size(), s.shadowCandidatesPerSide());
            for (MembershipInference inf : inferences(s.config(), sig)) {
                MembershipInference.Fitted fitted = inf.fit(shadow, shadowLabels);
                double[] scores = fitted.scoreAll(sig.target());
                boolean[] decisions = new boolean[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    decisions[i] = fitted.isMember(sig.target()[i]);
                }
                String inference = sig.featureNames().size() == 1 ? "raw" : inf.name();
                MembershipMetrics m = MembershipMetrics.compute(targetLabels, scores, BOOTSTRAPS, s.config().seed());
                out.add(new AttackOutcome(sig.name(), sig.scenario(), sig.access(), inference, new ScoresCsv(ids, targetLabels, scores), m,
                        balancedAccuracy(targetLabels, decisions)));
            }
        }
        return out;
    }

    /**
     * Gray-box signals (one column): a threshold on the raw score. Black-box signals: a threshold on the
     * configured similarity, a Gaussian likelihood ratio and an MLP over all similarities.
     */
    private static List<MembershipInference> inferences(AuditConfig c, Signal sig) {
        int column = thresholdColumn(c, sig);
        if (sig.featureNames().size() == 1) {
            return List.of(new ThresholdInference(column, true));
        }
        return List.of(new ThresholdInference(column, true), new GaussianLikelihoodRatio(),
                new MlpInference(c.seed()));
    }

    /** The feature a threshold decides on (higher = member): the score, or the configured similarity. */
    static int thresholdColumn(AuditConfig c, Signal sig) {
        if (sig.featureNames().size() == 1) {
            return 0;
        }
        int metric = sig.featureNames().indexOf(c.attacks().metric());
        if (metric < 0) {
            throw new IllegalArgumentException(sig.name() + " has no feature " + c.attacks().metric()
                    + " (it has " + sig.featureNames() + ")");
        }
        return metric;
    }

    /** The outcome with the highest AUC. */
    public static AttackOutcome best(List<AttackOutcome> outcomes) {
        return outcomes.stream().max(Comparator.comparingDouble(o -> o.metrics().auc())).orElseThrow();
    }

    /** A key of an outcome that stays the same across ablation values: its name without the parameters. */
    public static String seriesKey(AttackOutcome o) {
        int p = o.name().indexOf('(');
        return (p < 0 ? o.name() : o.name().substring(0, p)) + " · " + o.scenario() + " · " + o.inference();
    }

    static boolean[] labels(int members, int nonMembers) {
        boolean[] l = new boolean[members + nonMembers];
        for (int i = 0; i < members; i++) {
            l[i] = true;
        }
        return l;
    }

    private static double[][] pooled(List<double[][]> shadows) {
        return shadows.stream().flatMap(java.util.Arrays::stream).toArray(double[][]::new);
    }

    private static boolean[] pooledLabels(int shadows, int perSide) {
        boolean[] l = new boolean[shadows * 2 * perSide];
        for (int k = 0; k < shadows; k++) {
            for (int i = 0; i < perSide; i++) {
                l[k * 2 * perSide + i] = true;
            }
        }
        return l;
    }

    /** (TPR + TNR) / 2 of hard decisions. */
    static double balancedAccuracy(boolean[] labels, boolean[] decisions) {
        int tp = 0;
        int pos = 0;
        int tn = 0;
        int neg = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i]) {
                pos++;
                tp += decisions[i] ? 1 : 0;
            } else {
                neg++;
                tn += decisions[i] ? 0 : 1;
            }
        }
        return 0.5 * ((double) tp / pos + (double) tn / neg);
    }
}
