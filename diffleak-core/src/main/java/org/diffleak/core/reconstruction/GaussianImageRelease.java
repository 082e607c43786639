package org.diffleak.core.reconstruction;

import java.util.random.RandomGenerator;
import org.diffleak.core.util.Seeds;

/**
 * The Gaussian mechanism on the image itself, in the [−1, 1] data scale: x is clipped to L2 norm C,
 * x_C = x · min(1, C/‖x‖), and released as x_C + N(0, σ²C² I). With C ≥ √d (the largest norm of a [−1, 1]
 * image of d pixels) clipping never acts and the release is unbiased for x with per-pixel noise std σC.
 */
public final class GaussianImageRelease {

    private final double clipNorm;
    private final double noiseMultiplier;

    /** @param noiseMultiplier σ; 0 gives the noiseless release (ε = ∞) */
    public GaussianImageRelease(double clipNorm, double noiseMultiplier) {
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier σ must be finite and ≥ 0, got " + noiseMultiplier);
        }
        this.clipNorm = clipNorm;
        this.noiseMultiplier = noiseMultiplier;
    }

    public Observation release(float[] x, RandomGenerator rng) {
        double norm = 0;
        for (float v : x) {
            norm += (double) v * v;
        }
        norm = Math.sqrt(norm);
        double scale = norm > clipNorm ? clipNorm / norm : 1;
        double std = noiseMultiplier * clipNorm;
        float[] noise = new float[x.length];
        if (std > 0) {
            Seeds.gaussian(rng, noise);
        }
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] * scale + std * noise[i]);
        }
        return new Observation(y, std);
    }
}
