package org.diffleak.core.reconstruction;

import java.util.SplittableRandom;
import org.diffleak.core.metrics.ImageSimilarity;
import org.diffleak.core.util.Seeds;

/**
 * κ, the baseline success of the prior alone at threshold η (Balle et al. 2022; Hayes et al. 2023): the best
 * single guess made without seeing the release, κ = sup_{z₀} P_{z∼π}[MSE(z, z₀) ≤ η] (pixel scale [0, 1]). The
 * guesses are the auxiliary mean and every auxiliary image. The best one is picked on one half of the targets
 * (seeded split) and its hit rate is measured on the other half, so that picking it is not itself fitted to the
 * targets it is scored on; that rate is κ, with its 95% Wilson interval. An average over guesses (a random
 * auxiliary image) is at most the sup and would understate κ, and with it the ReRo bound γ, which grows with κ.
 * With no hit on the held-out half κ is 1/(held-out + 1), the resolution of the estimate, so that it stays in
 * (0, 1).
 */
public final class PriorBaseline {

    /** Index of the auxiliary mean among the guesses; auxiliary image k is guess k. */
    public static final int MEAN_GUESS = -1;

    /**
     * @param kappa the best guess's hit rate on the held-out targets
     * @param lower lower end of its 95% Wilson interval
     * @param upper upper end (the cautious κ)
     * @param bestGuess the guess picked on the selection half: {@link #MEAN_GUESS} or an auxiliary image index
     * @param selectionRate the best guess's rate on the half it was picked on (optimistic)
     * @param meanGuessRate the auxiliary mean's rate over all targets
     * @param randomGuessRate the average rate of one auxiliary image over all targets (what κ was before)
     * @param heldOut number of held-out targets
     */
    public record Kappa(double kappa, double lower, double upper, int bestGuess, double selectionRate,
            double meanGuessRate, double randomGuessRate, int heldOut) {}

    private PriorBaseline() {}

    /**
     * @param auxiliary nAux images in [0, 1], `dim` values each
     * @param targets nTargets ≥ 2 images in [0, 1]
     * @param rng draws the selection / held-out split of the targets
     */
    public static Kappa estimate(float[] auxiliary, int nAux, float[] targets, int nTargets, int dim, double eta,
            SplittableRandom rng) {
        if (!(eta > 0)) {
            throw new IllegalArgumentException("success threshold η must be > 0, got " + eta);
        }
        if (nAux < 2 || nTargets < 2 || auxiliary.length != nAux * dim || targets.length != nTargets * dim) {
            throw new IllegalArgumentException("need ≥ 2 auxiliary images and ≥ 2 targets of " + dim + " values");
        }
        int[] order = Seeds.permutation(rng, nTargets);
        int selection = nTargets / 2;
        boolean[] inSelection = new boolean[nTargets];
        for (int i = 0; i < selection; i++) {
            inSelection[order[i]] = true;
        }
        float[] guess = PixelStatistics.of(auxiliary, nAux, dim).mean();
        float[] t = new float[dim];
        int best = MEAN_GUESS;
        long bestSelectionHits = -1;
        long bestHeldOutHits = 0;
        long meanHits = 0;
        long randomHits = 0;
        for (int g = MEAN_GUESS; g < nAux; g++) {
            if (g >= 0) {
                System.arraycopy(auxiliary, g * dim, guess, 0, dim);
            }
            long sel = 0;
            long held = 0;
            for (int i = 0; i < nTargets; i++) {
                System.arraycopy(targets, i * dim, t, 0, dim);
                if (ImageSimilarity.mse(guess, t) <= eta) {
                    if (inSelection[i]) {
                        sel++;
                    } else {
                        held++;
                    }
                }
            }
            if (g == MEAN_GUESS) {
                meanHits = sel + held;
            } else {
                randomHits += sel + held;
            }
            if (sel > bestSelectionHits) {
                best = g;
                bestSelectionHits = sel;
                bestHeldOutHits = held;
            }
        }
        int heldOut = nTargets - selection;
        double kappa = bestHeldOutHits == 0 ? 1.0 / (heldOut + 1) : (double) bestHeldOutHits / heldOut;
        double[] wilson = wilson(bestHeldOutHits, heldOut);
        return new Kappa(Math.min(kappa, 1 - 1e-12), wilson[0], wilson[1], best,
                (double) bestSelectionHits / selection, (double) meanHits / nTargets,
                (double) randomHits / ((long) nAux * nTargets), heldOut);
    }

    /** The 95% Wilson score interval of k successes in n trials. */
    static double[] wilson(long k, int n) {
        double z = 1.959963984540054;
        double p = (double) k / n;
        double z2n = z * z / n;
        double centre = (p + z2n / 2) / (1 + z2n);
        double half = z * Math.sqrt(p * (1 - p) / n + z2n / (4.0 * n)) / (1 + z2n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
