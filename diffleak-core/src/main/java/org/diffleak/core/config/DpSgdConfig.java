package org.diffleak.core.config;

/**
 * DP-SGD (Abadi et al. 2016) for a training run: Poisson sampling at rate q = batchSize / N, per-sample
 * clipping to L2 norm C, Gaussian noise σC on the clipped sum, division by the expected batch size.
 *
 * @param clip per-sample gradient norm bound C
 * @param noiseMultiplier σ; 0 = calibrate σ to targetEpsilon over the run's steps
 * @param targetEpsilon ε budget; training stops before exceeding it (0 = no budget, σ must be set)
 * @param delta δ of the (ε, δ) guarantee
 * @param secureRng draw the noise from a cryptographically secure generator (slower, not reproducible)
 */
public record DpSgdConfig(double clip, double noiseMultiplier, double targetEpsilon, double delta,
        boolean secureRng) {

    public DpSgdConfig {
        if (!(clip > 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException("clip norm C must be a finite number > 0, got " + clip);
        }
        if (!(noiseMultiplier >= 0) || !Double.isFinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier σ must be a finite number ≥ 0, got " + noiseMultiplier);
        }
        if (!(targetEpsilon >= 0) || !Double.isFinite(targetEpsilon)) {
            throw new IllegalArgumentException("target ε must be a finite number ≥ 0, got " + targetEpsilon);
        }
        if (noiseMultiplier == 0 && targetEpsilon == 0) {
            throw new IllegalArgumentException("DP-SGD needs a noise multiplier σ or a target ε");
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), got " + delta);
        }
    }
}
