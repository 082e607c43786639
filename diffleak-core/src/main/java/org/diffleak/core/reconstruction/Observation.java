package org.diffleak.core.reconstruction;

/**
 * What the adversary extracts from a DP release of one image: y, an (approximately) unbiased estimate of the
 * image in the [−1, 1] data scale, and the per-pixel standard deviation σ_eff of its noise in that scale
 * (0 for a noiseless release).
 */
public record Observation(float[] y, double noiseStd) {

    public Observation {
        if (!(noiseStd >= 0) || Double.isInfinite(noiseStd)) {
            throw new IllegalArgumentException("noise std must be finite and ≥ 0, got " + noiseStd);
        }
    }
}
