package org.diffleak.core.reconstruction;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffleak.core.privacy.GdpAccountant;
import org.diffleak.core.privacy.SpecialFunctions;

/**
 * Reconstruction robustness (Hayes, Mahloujifar &amp; Balle 2023): a mechanism is (η, γ)-ReRo when no attack
 * comes within η of the target with probability above γ, κ being the prior's own success. For DP-SGD the
 * tight bound is γ = sup{μ₁(E) : μ₀(E) ≤ κ} with μ₀ = N(0, σ²)^T and μ₁ = ∏_t [(1−q) N(0, σ²) + q N(1, σ²)]
 * (Neyman–Pearson: E is the set of largest likelihood ratios L = dμ₁/dμ₀). Monte Carlo: draw z ~ μ₀, sort
 * L(z), and γ = 1 − E_{μ₀}[L · 1{L in the lowest (1−κ) mass}]; its standard error is that of the mean of
 * the N terms. For μ-GDP the bound is γ = Φ(Φ⁻¹(κ) + μ).
 */
public final class ReRoBound {

    /** A Monte Carlo estimate of γ with its standard error over `samples` draws. */
    public record Estimate(double gamma, double standardError, int samples) {}

    private ReRoBound() {}

    /** γ for DP-SGD at noise multiplier σ, sample rate q and T steps, by Monte Carlo on the likelihood ratio. */
    public static Estimate dpSgd(double sigma, double q, long steps, double kappa, int samples, SplittableRandom rng) {
        GdpAccountant.mu(sigma, q, steps);
        validateKappa(kappa);
        if (samples < 100) {
            throw new IllegalArgumentException("need at least 100 Monte Carlo samples, got " + samples);
        }
        double[] logL = new double[samples];
        double inv2s2 = 1 / (2 * sigma * sigma);
        double logOneMinusQ = Math.log1p(-q);
        double logQ = Math.log(q);
        for (int i = 0; i < samples; i++) {
            double s = 0;
            for (long t = 0; t < steps; t++) {
                double z = sigma * gaussian(rng);
                // log[(1−q) + q·N(z; 1, σ²)/N(z; 0, σ²)], N(z;1,σ²)/N(z;0,σ²) = exp((2z − 1)/(2σ²))
                double shift = (2 * z - 1) * inv2s2;
                s += q == 1 ? shift : SpecialFunctions.logAdd(logOneMinusQ, logQ + shift);
            }
            logL[i] = s;
        }
        Arrays.sort(logL);
        int low = (int) Math.floor((1 - kappa) * samples);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < samples; i++) {
            double v = i < low ? Math.exp(logL[i]) : 0;
            sum += v;
            sumSq += v * v;
        }
        double mean = sum / samples;
        double var = Math.max(0, sumSq / samples - mean * mean);
        double gamma = Math.min(1, Math.max(kappa, 1 - mean));
        return new Estimate(gamma, Math.sqrt(var / samples), samples);
    }

    /** γ = Φ(Φ⁻¹(κ) + μ) for a μ-GDP mechanism. */
    public static double gdp(double mu, double kappa) {
        validateKappa(kappa);
        if (!(mu >= 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("μ must be finite and ≥ 0, got " + mu);
        }
        return SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(kappa) + mu);
    }

    /** γ for DP-SGD through its CLT μ = q √(T (e^{1/σ²} − 1)). */
    public static double gdp(double sigma, double q, long steps, double kappa) {
        return gdp(GdpAccountant.mu(sigma, q, steps), kappa);
    }

    static void validateKappa(double kappa) {
        if (!(kappa > 0 && kappa < 1)) {
            throw new IllegalArgumentException("κ must be in (0, 1), got " + kappa);
        }
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
