package org.diffleak.core.inference;

import java.util.Arrays;

/**
 * The robust membership inference attack (RMIA; Zarifzadeh et al., "Low-Cost High-Power Membership Inference
 * Attacks", ICML 2024). The likelihood ratio of candidate x against the reference models,
 * <pre>
 *   LR_θ(x) = Pr(x | θ) / Pr(x),   Pr(x) = mean over reference models θ' of Pr(x | θ'),
 * </pre>
 * is compared pairwise with that of population samples z (non-members drawn from the same distribution):
 * <pre>
 *   Score_MIA(x) = Pr_z[ LR_θ(x) / LR_θ(z) ≥ γ ].
 * </pre>
 * A diffusion model gives no normalized Pr(x | θ); the signal s (higher = more member-like, e.g. the negative
 * denoising loss, an ELBO up to a constant) serves as log Pr(x | θ) up to a constant, which cancels in the ratio
 * LR(x)/LR(z). All in log space: log LR(x) = s_θ(x) − log mean_θ' exp(s_θ'(x)). Offline, the reference models are
 * OUT models only (the paper's a-interpolation needs probabilities in [0, 1] and is not used). Higher = more likely
 * member.
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
     * @param target the target model's signal on each candidate
     * @param references each reference model's signal on the same candidates [model][candidate]
     * @param use whether each reference model counts for each candidate [model][candidate] (offline: the OUT
     *     models; null = all)
     * @param populationTarget the target's signal on the population samples z
     * @param populationReferences the reference models' signals on z [model][z] (every model counts for z)
     */
    public double[] scores(double[] target, double[][] references, boolean[][] use, double[] populationTarget,
            double[][] populationReferences) {
        if (references.length == 0 || references.length != populationReferences.length) {
            throw new IllegalArgumentException("RMIA needs reference models' signals on the candidates and on the"
                    + " population, got " + references.length + " and " + populationReferences.length);
        }
        if (populationTarget.length == 0) {
            throw new IllegalArgumentException("RMIA needs population samples z");
        }
        double[] x = logRatios(target, references, use);
        double[] z = logRatios(populationTarget, populationReferences, null);
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            // LR(x)/LR(z) ≥ γ  ⇔  log LR(z) ≤ log LR(x) − log γ
            s[i] = (double) upperBound(sorted, x[i] - logGamma) / sorted.length;
        }
        return s;
    }

    /** log LR per sample: s_θ − log mean exp(s_θ') over the reference models that count. */
    private static double[] logRatios(double[] target, double[][] references, boolean[][] use) {
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
            out[i] = target[i] - (max + Math.log(sum / k));
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException("a non-finite signal for sample " + i);
            }
        }
        return out;
    }

    /** The number of entries of sorted that are ≤ v. */
    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
