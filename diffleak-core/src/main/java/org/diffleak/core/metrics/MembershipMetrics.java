package org.diffleak.core.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The figures every membership attack reports: AUC, TPR at 1% and 0.1% FPR, balanced accuracy, each
 * with a stratified bootstrap 95% interval (members and non-members resampled separately).
 */
public record MembershipMetrics(double auc, double tprAt1PctFpr, double tprAt01PctFpr, double balancedAccuracy,
        Interval aucCi, Interval tprAt1PctFprCi, Interval tprAt01PctFprCi, Interval balancedAccuracyCi,
        int members, int nonMembers) {

    /** A percentile interval. */
    public record Interval(double low, double high) {}

    /** The false-positive rates the figures are read at. */
    public static final double FPR_1PCT = 0.01;
    public static final double FPR_01PCT = 0.001;

    /**
     * Non-members needed before one false positive is strictly below `fpr` of them (the TPR is read at FPR &lt; x):
     * ⌊1/fpr⌋ + 1, e.g. 101 for 1% and 1,001 for 0.1%.
     */
    public static int nonMembersToResolve(double fpr) {
        return (int) Math.floor(1 / fpr + 1e-9) + 1;
    }

    /**
     * Whether a TPR at `fpr` means what it says: with at most 1/fpr non-members the only rate strictly below it
     * is 0, so the figure is the TPR at zero false positives, whatever x is.
     */
    public boolean resolves(double fpr) {
        return nonMembers >= nonMembersToResolve(fpr);
    }

    /** Why a TPR at `fpr` is not reported, e.g. "not resolvable with 50 non-members (needs ≥ 101)". */
    public static String unresolvable(double fpr, int nonMembers) {
        return "not resolvable with " + nonMembers + " non-members (needs ≥ " + nonMembersToResolve(fpr) + ")";
    }

    public static MembershipMetrics compute(boolean[] labels, double[] scores, int bootstraps, long seed) {
        return compute(labels, scores, bootstraps, seed, rng -> scores);
    }

    /**
     * The figures of (labels, scores) with intervals whose replicates also redraw what the scores rest on: replicate
     * b scores the candidates anew with {@code rescore} (e.g. with shadow models and population samples drawn with
     * replacement, from the replicate's generator), then resamples members and non-members as {@link #compute}.
     */
    public static MembershipMetrics compute(boolean[] labels, double[] scores, int bootstraps, long seed,
            Function<SplittableRandom, double[]> rescore) {
        Roc roc = Roc.of(labels, scores);
        double[] point = figures(labels, scores, roc);
        int pos = 0;
        for (boolean l : labels) {
            pos += l ? 1 : 0;
        }
        int[] posIdx = new int[pos];
        int[] negIdx = new int[labels.length - pos];
        for (int i = 0, p = 0, q = 0; i < labels.length; i++) {
            if (labels[i]) {
                posIdx[p++] = i;
            } else {
                negIdx[q++] = i;
            }
        }
        double[][] boot = new double[4][bootstraps];
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] bl = new boolean[labels.length];
        double[] bs = new double[labels.length];
        for (int b = 0; b < bootstraps; b++) {
            double[] replicate = rescore.apply(rng);
            int k = 0;
            for (int i = 0; i < posIdx.length; i++, k++) {
                bl[k] = true;
                bs[k] = replicate[posIdx[rng.nextInt(posIdx.length)]];
            }
            for (int i = 0; i < negIdx.length; i++, k++) {
                bl[k] = false;
                bs[k] = replicate[negIdx[rng.nextInt(negIdx.length)]];
            }
            double[] f = figures(bl, bs, Roc.of(bl, bs));
            for (int j = 0; j < 4; j++) {
                boot[j][b] = f[j];
            }
        }
        Interval[] ci = new Interval[4];
        for (int j = 0; j < 4; j++) {
            ci[j] = bootstraps > 0 ? percentile(boot[j]) : new Interval(point[j], point[j]);
        }
        return new MembershipMetrics(point[0], point[1], point[2], point[3], ci[0], ci[1], ci[2], ci[3], pos,
                labels.length - pos);
    }

    private static double[] figures(boolean[] labels, double[] scores, Roc roc) {
        return new double[] {auc(labels, scores), roc.tprAtFpr(0.01), roc.tprAtFpr(0.001), roc.balancedAccuracy()};
    }

    private static Interval percentile(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return new Interval(s[(int) Math.floor(0.025 * (s.length - 1))], s[(int) Math.ceil(0.975 * (s.length - 1))]);
    }

    /**
     * AUC as the Mann–Whitney statistic with mid-ranks: (R₁ − n₁(n₁+1)/2)/(n₁ n₀), R₁ the rank sum of the
     * members, tied scores sharing their average rank (a tie counts one half).
     */
    public static double auc(boolean[] labels, double[] scores) {
        int n = Roc.checkInput(labels, scores);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSum = 0;
        long pos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && scores[order[j]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (labels[order[k]]) {
                    rankSum += midRank;
                    pos++;
                }
            }
            i = j;
        }
        long neg = n - pos;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /** The standard error of AUC under the null (no signal): √((n₁ + n₀ + 1)/(12 n₁ n₀)). */
    public static double nullAucStandardError(int members, int nonMembers) {
        return Math.sqrt((members + nonMembers + 1.0) / (12.0 * members * nonMembers));
    }
}
