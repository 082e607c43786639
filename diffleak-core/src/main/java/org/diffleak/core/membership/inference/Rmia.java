package org.diffleak.core.membership.inference;

import java.util.Arrays;

/**
 * The robust membership inference attack (RMIA; Zarifzadeh et al., "Low-Cost High-Power Membership Inference
 * Attacks", ICML 2024), as the authors' code computes it (privacytrustlab/ml_privacy_meter, research/2024_rmia,
 * aggregate_signals; offline as modules/mia/attacks/rmia.py). With s = log Pr(x | θ) (e.g. the log-probability a
 * classifier gives the true label) the likelihood ratio against the reference models is
 * <pre>
 *   LR_θ(x) = Pr(x | θ) / Pr(x),   Pr(x) = mean over reference models θ' of Pr(x | θ')            (online)
 *                                  Pr(x) = ((1+a)/2) · mean over OUT models of Pr(x | θ') + (1−a)/2 (offline)
 * </pre>
 * and z's ratio (population samples, non-members from the same distribution) is formed the same way. Then
 * <pre>
 *   Score_MIA(x) = Pr_z[ LR_θ(x) / LR_θ(z) &gt; γ ]   (strict, as in the code; the paper writes ≥)
 * </pre>
 * All in log space: log Pr(x) by log-mean-exp. Two differences from the research code, both without effect at few
 * reference models: it trims 20% from each end of the reference values before averaging (a plain mean up to 4
 * models), and its population points are dataset points half the models trained on; here z are samples no model
 * trained on. Signals that are no log-probability (a diffusion loss, PIA, SimA) go through
 * {@link GaussianSignalLikelihood} first, as the audit does. Higher = more likely member.
 */
public final class Rmia {

    private final double logGamma;

    /** @param gamma the pairwise threshold γ ≥ 1 (the paper's default 1 for few reference models) */
    public Rmia(double gamma) {
        if (!(gamma >= 1) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("RMIA's γ must be a finite number ≥ 1, got " + gamma);
        }
        this.logGamma = Math.log(gamma);
    }

    public String name() {
        return "RMIA";
    }

    /**
     * Online RMIA: Pr(x) from the reference models that count for each candidate (null = all), Pr(z) from all.
     *
     * @param target log Pr(x | θ) of the target model on each candidate
     * @param references each reference model's log Pr on the same candidates [model][candidate]
     * @param use whether each reference model counts for each candidate [model][candidate]; null = all
     * @param populationTarget the target's log Pr on the population samples z
     * @param populationReferences the reference models' log Pr on z [model][z]
     */
    public double[] scores(double[] target, double[][] references, boolean[][] use, double[] populationTarget,
            double[][] populationReferences) {
        return scores(target, references, use, populationTarget, populationReferences, Double.NaN);
    }

    /**
     * Offline RMIA: only OUT reference models ({@code out}), Pr = ((1+a)/2) Pr_OUT + (1−a)/2 for x and z alike.
     *
     * @param a the offline interpolation a in [0, 1] (Privacy Meter's offline_a; 1 = no correction)
     */
    public double[] offlineScores(double[] target, double[][] references, boolean[][] out, double[] populationTarget,
            double[][] populationReferences, double a) {
        if (!(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("RMIA's offline a must be in [0, 1], got " + a);
        }
        return scores(target, references, out, populationTarget, populationReferences, a);
    }

    private double[] scores(double[] target, double[][] references, boolean[][] use, double[] populationTarget,
            double[][] populationReferences, double a) {
        if (references.length == 0 || references.length != populationReferences.length) {
            throw new IllegalArgumentException("RMIA needs reference models' signals on the candidates and on the"
                    + " population, got " + references.length + " and " + populationReferences.length);
        }
        if (populationTarget.length == 0) {
            throw new IllegalArgumentException("RMIA needs population samples z");
        }
        double[] x = logRatios(target, references, use, a);
        double[] z = logRatios(populationTarget, populationReferences, null, a);
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            // LR(x)/LR(z) > γ  ⇔  log LR(z) < log LR(x) − log γ
            s[i] = (double) countBelow(sorted, x[i] - logGamma) / sorted.length;
        }
        return s;
    }

    /** log LR per sample: s_θ − log Pr, Pr the mean of exp(s_θ') over the models that count (offline: mixed). */
    private static double[] logRatios(double[] target, double[][] references, boolean[][] use, double a) {
        double[] out = new double[target.length];
        for (int i = 0; i < target.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            int k = 0;
            for (int m = 0; m < references.length; m++) {
                if (references[m].length != target.length) {
                    throw new IllegalArgumentException("reference model " + m + " has " + references[m].length
                            + " signals for " + target.length + " samples");
                }
                if (use == null || use[m][i]) {
                    max = Math.max(max, references[m][i]);
                    k++;
                }
            }
            if (k == 0) {
                throw new IllegalArgumentException("sample " + i + " has no reference model to compare with");
            }
            double sum = 0;
            for (int m = 0; m < references.length; m++) {
                if (use == null || use[m][i]) {
                    sum += Math.exp(references[m][i] - max);
                }
            }
            double logPr = max + Math.log(sum / k);
            if (!Double.isNaN(a)) {
                if (logPr > 0) {
                    throw new IllegalArgumentException("offline RMIA reads signals as log-probabilities, but sample "
                            + i + "'s reference mean is exp(" + logPr + ") > 1");
                }
                logPr = Math.log((1 + a) / 2 * Math.exp(logPr) + (1 - a) / 2);
            }
            out[i] = target[i] - logPr;
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException("a non-finite signal for sample " + i);
            }
        }
        return out;
    }

    /** The number of entries of sorted that are &lt; v. */
    private static int countBelow(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
