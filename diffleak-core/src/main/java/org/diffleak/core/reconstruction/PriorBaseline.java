package org.diffleak.core.reconstruction;

import org.diffleak.core.metrics.ImageSimilarity;

/**
 * κ, the baseline success of the prior alone at threshold η (Hayes et al. 2023): how often a guess made
 * without seeing the release lands within MSE η of the target (pixel scale [0, 1]). Two prior-only guesses
 * are scored: the auxiliary mean, and a random auxiliary image (every target against every auxiliary
 * image); κ is the better of the two rates. With no success at all κ is set to 1/(pairs + 1), the
 * resolution of the estimate, so that it stays inside (0, 1).
 */
public final class PriorBaseline {

    /** κ and the two rates it comes from. */
    public record Kappa(double kappa, double meanGuessRate, double randomGuessRate) {}

    private PriorBaseline() {}

    /**
     * @param auxiliary nAux images in [0, 1], `dim` values each
     * @param targets nTargets images in [0, 1]
     */
    public static Kappa estimate(float[] auxiliary, int nAux, float[] targets, int nTargets, int dim, double eta) {
        if (!(eta > 0)) {
            throw new IllegalArgumentException("success threshold η must be > 0, got " + eta);
        }
        if (nAux < 2 || nTargets < 1 || auxiliary.length != nAux * dim || targets.length != nTargets * dim) {
            throw new IllegalArgumentException("need ≥ 2 auxiliary images and ≥ 1 target of " + dim + " values");
        }
        float[] mean = PixelStatistics.of(auxiliary, nAux, dim).mean();
        float[] t = new float[dim];
        float[] a = new float[dim];
        long meanHits = 0;
        long randomHits = 0;
        for (int i = 0; i < nTargets; i++) {
            System.arraycopy(targets, i * dim, t, 0, dim);
            if (ImageSimilarity.mse(mean, t) <= eta) {
                meanHits++;
            }
            for (int k = 0; k < nAux; k++) {
                System.arraycopy(auxiliary, k * dim, a, 0, dim);
                if (ImageSimilarity.mse(a, t) <= eta) {
                    randomHits++;
                }
            }
        }
        double meanRate = (double) meanHits / nTargets;
        long pairs = (long) nTargets * nAux;
        double randomRate = (double) randomHits / pairs;
        double kappa = Math.max(meanRate, randomRate);
        if (kappa == 0) {
            kappa = 1.0 / (pairs + 1);
        }
        return new Kappa(Math.min(kappa, 1 - 1e-12), meanRate, randomRate);
    }
}
