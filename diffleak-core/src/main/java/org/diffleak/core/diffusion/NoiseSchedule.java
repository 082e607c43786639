package org.diffleak.core.diffusion;

import java.util.Arrays;

/**
 * The DDPM forward-process schedule, every coefficient computed once in float64 (improved-diffusion
 * style). Index t runs 0..T−1; the paper's step t+1.
 *
 * <p>β_t, α_t = 1 − β_t, ᾱ_t = ∏_{s≤t} α_s; forward: x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε.
 */
public final class NoiseSchedule {

    /** The two schedule shapes of DDPM (Ho et al. 2020) and improved DDPM (Nichol &amp; Dhariwal 2021). */
    public enum Kind { LINEAR, COSINE }

    private final Kind kind;
    private final double[] betas;
    private final double[] alphaBars;

    private NoiseSchedule(Kind kind, double[] betas) {
        this.kind = kind;
        this.betas = betas;
        this.alphaBars = new double[betas.length];
        double prod = 1.0;
        for (int t = 0; t < betas.length; t++) {
            if (!(betas[t] > 0 && betas[t] < 1)) {
                throw new IllegalArgumentException("β_" + t + " = " + betas[t] + " is outside (0, 1)");
            }
            prod *= 1.0 - betas[t];
            alphaBars[t] = prod;
        }
    }

    /** β linear from betaStart to betaEnd over T steps (DDPM default 1e-4 → 0.02, T = 1000). */
    public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
        requireSteps(steps);
        if (!(betaStart > 0 && betaEnd >= betaStart && betaEnd < 1)) {
            throw new IllegalArgumentException("linear schedule needs 0 < betaStart ≤ betaEnd < 1, got "
                    + betaStart + " → " + betaEnd);
        }
        double[] b = new double[steps];
        for (int t = 0; t < steps; t++) {
            b[t] = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (steps - 1);
        }
        return new NoiseSchedule(Kind.LINEAR, b);
    }

    /**
     * Cosine schedule: ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T)+s)/(1+s)·π/2), s = 0.008, with
     * β_t = 1 − ᾱ(t+1)/ᾱ(t) clipped to 0.999 (Nichol &amp; Dhariwal, eq. 17).
     */
    public static NoiseSchedule cosine(int steps) {
        requireSteps(steps);
        double s = 0.008;
        double[] b = new double[steps];
        for (int t = 0; t < steps; t++) {
            double a0 = cosineF((double) t / steps, s);
            double a1 = cosineF((double) (t + 1) / steps, s);
            b[t] = Math.min(1.0 - a1 / a0, 0.999);
        }
        return new NoiseSchedule(Kind.COSINE, b);
    }

    /** The default of ARCHITECTURE.md: linear 1e-4 → 0.02, T = 1000. */
    public static NoiseSchedule defaultLinear() {
        return linear(1000, 1e-4, 0.02);
    }

    /** Builds a schedule from its description (kind, steps, β range; the range is ignored for cosine). */
    public static NoiseSchedule of(Kind kind, int steps, double betaStart, double betaEnd) {
        return kind == Kind.COSINE ? cosine(steps) : linear(steps, betaStart, betaEnd);
    }

    private static double cosineF(double u, double s) {
        double c = Math.cos((u + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    private static void requireSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a schedule needs at least one step, got " + steps);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** T, the number of diffusion steps. */
    public int steps() {
        return betas.length;
    }

    public double beta(int t) {
        return betas[t];
    }

    /** ᾱ_t; by convention ᾱ_{−1} = 1 (the clean image). */
    public double alphaBar(int t) {
        return t < 0 ? 1.0 : alphaBars[t];
    }

    public double sqrtAlphaBar(int t) {
        return Math.sqrt(alphaBar(t));
    }

    public double sqrtOneMinusAlphaBar(int t) {
        return Math.sqrt(1.0 - alphaBar(t));
    }

    /** Noise-to-signal ratio √(1−ᾱ_t)/√ᾱ_t: the σ of x₀ + σ ε equivalent to x_t / √ᾱ_t. */
    public double noiseToSignal(int t) {
        return sqrtOneMinusAlphaBar(t) / sqrtAlphaBar(t);
    }

    /** DDPM posterior variance β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t) · β_t. */
    public double posteriorVariance(int t) {
        return (1.0 - alphaBar(t - 1)) / (1.0 - alphaBar(t)) * betas[t];
    }

    /**
     * The DDIM timestep sequence of `count` steps, evenly spaced ("leading" spacing of DDIM: 0, k, 2k, …),
     * in increasing order.
     */
    public int[] ddimTimesteps(int count) {
        if (count < 1 || count > steps()) {
            throw new IllegalArgumentException("DDIM step count must be in 1.." + steps() + ", got " + count);
        }
        int[] ts = new int[count];
        for (int i = 0; i < count; i++) {
            ts[i] = (int) Math.round((double) i * steps() / count);
        }
        return ts;
    }

    /** The largest t whose noise-to-signal ratio does not exceed sigma (−1 when even t = 0 exceeds it). */
    public int timestepForNoiseToSignal(double sigma) {
        int best = -1;
        for (int t = 0; t < steps(); t++) {
            if (noiseToSignal(t) <= sigma) {
                best = t;
            }
        }
        return best;
    }

    public double[] betas() {
        return betas.clone();
    }

    public double[] alphaBars() {
        return alphaBars.clone();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + "(T=" + steps() + ", β₀=" + betas[0] + ", β_T=" + betas[steps() - 1] + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoiseSchedule other && kind == other.kind && Arrays.equals(betas, other.betas);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(betas);
    }
}
