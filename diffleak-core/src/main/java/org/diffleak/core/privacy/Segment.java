package org.diffleak.core.privacy;

/** `steps` compositions of the Poisson-subsampled Gaussian with noise multiplier σ and sample rate q. */
public record Segment(double noiseMultiplier, double sampleRate, long steps) {

    public Segment {
        validate(noiseMultiplier, sampleRate, steps);
    }

    static void validate(double sigma, double q, long steps) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise multiplier σ must be a finite number > 0, got " + sigma);
        }
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("sample rate q must be in (0, 1], got " + q);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
        }
    }

    static void validateDelta(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("δ must be in (0, 1), got " + delta);
        }
    }
}
