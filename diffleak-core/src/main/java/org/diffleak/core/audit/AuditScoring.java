package org.diffleak.core.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.diffleak.core.membership.inference.GaussianLikelihoodRatio;
import org.diffleak.core.membership.inference.MembershipInference;
import org.diffleak.core.membership.inference.MlpInference;
import org.diffleak.core.membership.inference.ThresholdInference;
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

    /** Every attack's outcomes; under LiRA's protocol those of {@link CalibratedScoring}. */
    public static List<AttackOutcome> outcomes(AuditSignals s) {
        if (s.calibration() != null) {
            return CalibratedScoring.score(s);
        }
        List<Integer> shadowMembers = s.signals().isEmpty() ? List.of()
                : Collections.nCopies(s.signals().get(0).shadows().size(), s.shadowCandidatesPerSide());
        return outcomes(s.signals(), s.targetMembers(), s.targetNonMembers(), shadowMembers,
                IntStream.of(s.targetIds()).mapToObj(Integer::toString).toList(), s.config().attacks().metric(),
                s.config().seed());
    }

    /**
     * Outcomes of signals whose target rows hold members first, then non-members. A signal without shadow
     * rows gives one outcome of raw scores (the score, or the `metric` similarity of a black-box signal) and
     * no decision: with no shadow there is nothing to fit a threshold on.
     *
     * @param shadowMembers members of each shadow: its first rows; the rest are its non-members
     * @param ids the target candidates' ids, in row order
     */
    public static List<AttackOutcome> outcomes(List<Signal> signals, int members, int nonMembers,
            List<Integer> shadowMembers, List<String> ids, String metric, long seed) {
        boolean[] targetLabels = labels(members, nonMembers);
        List<AttackOutcome> out = new ArrayList<>();
        for (Signal raw : signals) {
            List<boolean[]> perShadow = new ArrayList<>();
            for (int k = 0; k < raw.shadows().size(); k++) {
                perShadow.add(labels(shadowMembers.get(k), raw.shadows().get(k).length - shadowMembers.get(k)));
            }
            Signal sig = ShadowTimestepChoice.reduce(raw, perShadow);
            if (sig.shadows().isEmpty()) {
                int column = thresholdColumn(metric, sig);
                double[] scores = new double[sig.target().length];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = sig.target()[i][column];
                }
                String inference = sig.featureNames().size() == 1 ? "raw" : "raw " + metric;
                out.add(new AttackOutcome(sig.name(), sig.scenario(), sig.access(), inference,
                        new ScoresCsv(ids, targetLabels, scores),
                        MembershipMetrics.compute(targetLabels, scores, BOOTSTRAPS, seed), null));
                continue;
            }
            double[][] shadow = pooled(sig.shadows());
            boolean[] shadowLabels = pooledLabels(sig.shadows(), shadowMembers);
            for (MembershipInference inf : inferences(metric, seed, sig)) {
                MembershipInference.Fitted fitted = inf.fit(shadow, shadowLabels);
                double[] scores = fitted.scoreAll(sig.target());
                boolean[] decisions = new boolean[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    decisions[i] = fitted.isMember(sig.target()[i]);
                }
                String inference = sig.featureNames().size() == 1 ? "raw" : inf.name();
                MembershipMetrics m = MembershipMetrics.compute(targetLabels, scores, BOOTSTRAPS, seed);
                out.add(new AttackOutcome(sig.name(), sig.scenario(), sig.access(), inference,
                        new ScoresCsv(ids, targetLabels, scores), m, balancedAccuracy(targetLabels, decisions)));
            }
        }
        return out;
    }

    /**
     * Gray-box signals (one column): a threshold on the raw score. Black-box signals: a threshold on the
     * configured similarity, a Gaussian likelihood ratio and an MLP over all similarities.
     */
    private static List<MembershipInference> inferences(String metric, long seed, Signal sig) {
        int column = thresholdColumn(metric, sig);
        if (sig.featureNames().size() == 1) {
            return List.of(new ThresholdInference(column, true));
        }
        return List.of(new ThresholdInference(column, true), new GaussianLikelihoodRatio(), new MlpInference(seed));
    }

    /** The feature a threshold decides on (higher = member): the score, or the configured similarity. */
    static int thresholdColumn(String metric, Signal sig) {
        if (sig.featureNames().size() == 1) {
            return 0;
        }
        int column = sig.featureNames().indexOf(metric);
        if (column < 0) {
            throw new IllegalArgumentException(sig.name() + " has no feature " + metric
                    + " (it has " + sig.featureNames() + ")");
        }
        return column;
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
        return shadows.stream().flatMap(Arrays::stream).toArray(double[][]::new);
    }

    private static boolean[] pooledLabels(List<double[][]> shadows, List<Integer> members) {
        if (members.size() != shadows.size()) {
            throw new IllegalArgumentException(members.size() + " member counts for " + shadows.size() + " shadows");
        }
        boolean[] l = new boolean[shadows.stream().mapToInt(r -> r.length).sum()];
        int from = 0;
        for (int k = 0; k < shadows.size(); k++) {
            Arrays.fill(l, from, from + members.get(k), true);
            from += shadows.get(k).length;
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
