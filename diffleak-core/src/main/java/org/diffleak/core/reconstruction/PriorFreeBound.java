package org.diffleak.core.reconstruction;

/**
 * What an adversary without a data prior can reach from an observation y = x + N(0, σ_eff² I) (Guo et al.
 * 2022, Cramér–Rao): the Fisher information of x is I/σ_eff², so any unbiased estimator has per-pixel
 * E(x̂_j − x_j)² ≥ σ_eff². σ_eff is in the [−1, 1] data scale; the metrics are in the [0, 1] pixel scale
 * (half the range), so MSE ≥ σ_eff²/4 and PSNR ≤ 10 log₁₀(1/MSE). A prior-informed adversary is biased and
 * can beat both, which is what the diffusion prior shows.
 */
public final class PriorFreeBound {

    private PriorFreeBound() {}

    /** The smallest expected per-pixel MSE in the [0, 1] scale. */
    public static double mse(double noiseStd) {
        if (!(noiseStd >= 0)) {
            throw new IllegalArgumentException("noise std must be ≥ 0, got " + noiseStd);
        }
        return noiseStd * noiseStd / 4;
    }

    /** The largest expected PSNR in dB (+∞ without noise). */
    public static double psnr(double noiseStd) {
        double mse = mse(noiseStd);
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }
}
