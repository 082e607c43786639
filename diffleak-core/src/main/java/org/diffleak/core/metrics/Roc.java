package org.diffleak.core.metrics;

import java.util.Arrays;

/**
 * The exact ROC curve of scores (higher = member) against labels (true = member): one point per
 * distinct score, tied scores forming one step, from (0, 0) to (1, 1). Never a grid of thresholds.
 *
 * @param fpr false-positive rate at each threshold, non-decreasing
 * @param tpr true-positive rate at each threshold
 * @param thresholds the score at or above which a candidate is called a member (+∞ for the first point)
 */
public record Roc(double[] fpr, double[] tpr, double[] thresholds) {

    public static Roc of(boolean[] labels, double[] scores) {
        int n = checkInput(labels, scores);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        int pos = 0;
        for (boolean l : labels) {
            pos += l ? 1 : 0;
        }
        int neg = n - pos;
        double[] fpr = new double[n + 1];
        double[] tpr = new double[n + 1];
        double[] thr = new double[n + 1];
        thr[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < n; ) {
            double s = scores[order[i]];
            while (i < n && scores[order[i]] == s) {
                if (labels[order[i]]) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            fpr[points] = (double) fp / neg;
            tpr[points] = (double) tp / pos;
            thr[points] = s;
            points++;
        }
        return new Roc(Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points), Arrays.copyOf(thr, points));
    }

    static int checkInput(boolean[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        int pos = 0;
        for (int i = 0; i < labels.length; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            pos += labels[i] ? 1 : 0;
        }
        if (pos == 0 || pos == labels.length) {
            throw new IllegalArgumentException("ROC needs both members and non-members, got " + pos + " members of "
                    + labels.length);
        }
        return labels.length;
    }

    /**
     * TPR at the largest FPR strictly below x, as the LiRA and SimA reference code read it
     * ({@code tpr[np.where(fpr < x)[0][-1]]}); no interpolation. With exactly 1/x non-members this is the TPR at
     * zero false positives.
     */
    public double tprAtFpr(double x) {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] < x) {
                best = Math.max(best, tpr[i]);
            }
        }
        return best;
    }

    /** max over thresholds of (TPR + TNR)/2: the accuracy of the best threshold on balanced classes. */
    public double balancedAccuracy() {
        double best = 0.5;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, (tpr[i] + 1 - fpr[i]) / 2);
        }
        return best;
    }
}
