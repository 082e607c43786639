package org.diffleak.core.reconstruction;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffleak.core.privacy.GdpAccountant;
import org.diffleak.core.privacy.SpecialFunctions;

/**
 * Reconstruction robustness (Hayes, Mahloujifar &amp; Balle 2023): a mechanism is (η, γ)-ReRo when no attack
 * comes within η of the target with probability above γ, κ being the prior's own success. For DP-SGD the
 * tight bound is γ = sup{μ₁(E) : μ₀(E) ≤ κ} with μ₀ = N(0, σ²)^T and μ₁ = ∏_t [(1−q) N(0, σ²) + q N(1, σ²)]
 * (Neyman–Pearson: E = {L ≥ τ} for the likelihood ratio L = dμ₁/dμ₀). Monte Carlo: sort N ratios drawn under
 * μ₀ and take τ at the (1−κ) quantile, so that E holds the top κ mass of μ₀; then γ = μ₁(L ≥ τ), estimated on
 * N draws from μ₁. Its standard error adds, in quadrature to the binomial √(γ(1−γ)/N), the error from placing
 * τ: the quantile's rank is uncertain by about √(Nκ(1−κ)) draws, and half the change of γ over that many ranks
 * either side is that term (it dominates when only Nκ ≈ tens of draws lie above τ). This equals ARCHITECTURE.md's 1 − ∫_{lowest (1−κ) mass} L dμ₀
 * in expectation but does not lean on the heavy upper tail of L under μ₀, which N draws miss when κ is small.
 * For μ-GDP the bound is γ = Φ(Φ⁻¹(κ) + μ); DP-SGD at q = 1 is exactly (√T/σ)-GDP (T Gaussian mechanisms of
 * sensitivity 1), so there that form is tight, and below q = 1 its μ comes from the CLT.
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
        if (kappa * samples < 10) {
            throw new IllegalArgumentException("κ·N must be ≥ 10 to place the (1−κ) quantile: need at least "
                    + (long) Math.ceil(10 / kappa) + " samples for κ = " + kappa + ", got " + samples);
        }
        double[] null0 = new double[samples];
        for (int i = 0; i < samples; i++) {
            null0[i] = logRatio(sigma, q, steps, 0, rng);
        }
        Arrays.sort(null0);
        double[] alt = new double[samples];
        for (int i = 0; i < samples; i++) {
            alt[i] = logRatio(sigma, q, steps, q, rng);
        }
        Arrays.sort(alt);
        int rank = Math.min(samples - 1, (int) Math.floor((1 - kappa) * samples));
        int spread = (int) Math.ceil(Math.sqrt(samples * kappa * (1 - kappa)));
        double gamma = massAtOrAbove(alt, null0[rank]);
        double below = massAtOrAbove(alt, null0[Math.max(0, rank - spread)]);
        double above = massAtOrAbove(alt, null0[Math.min(samples - 1, rank + spread)]);
        double quantileError = (below - above) / 2;
        return new Estimate(gamma, Math.sqrt(gamma * (1 - gamma) / samples + quantileError * quantileError), samples);
    }

    /** The share of the sorted draws that are ≥ τ. */
    private static double massAtOrAbove(double[] sorted, double tau) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < tau) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (double) (sorted.length - lo) / sorted.length;
    }

    /**
     * log L(z) for one draw z of T steps: under μ₀ (q1 = 0) each z_t ~ N(0, σ²); under μ₁ (q1 = q) z_t ~ N(1, σ²)
     * with probability q. log L = Σ_t log[(1−q) + q exp((2z_t − 1)/(2σ²))].
     */
    private static double logRatio(double sigma, double q, long steps, double q1, SplittableRandom rng) {
        double inv2s2 = 1 / (2 * sigma * sigma);
        double logOneMinusQ = Math.log1p(-q);
        double logQ = Math.log(q);
        double s = 0;
        for (long t = 0; t < steps; t++) {
            double z = sigma * gaussian(rng) + (q1 > 0 && (q1 == 1 || rng.nextDouble() < q1) ? 1 : 0);
            double shift = (2 * z - 1) * inv2s2;
            s += q == 1 ? shift : SpecialFunctions.logAdd(logOneMinusQ, logQ + shift);
        }
        return s;
    }

    /** γ = Φ(Φ⁻¹(κ) + μ) for a μ-GDP mechanism. */
    public static double gdp(double mu, double kappa) {
        validateKappa(kappa);
        if (!(mu >= 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("μ must be finite and ≥ 0, got " + mu);
        }
        return SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(kappa) + mu);
    }

    /** γ for DP-SGD through its GDP μ ({@link #mu}). */
    public static double gdp(double sigma, double q, long steps, double kappa) {
        return gdp(mu(sigma, q, steps), kappa);
    }

    /**
     * μ of DP-SGD as a Gaussian-DP mechanism: exactly √T/σ at q = 1, the CLT q √(T (e^{1/σ²} − 1)) below (which
     * at q = 1 would overstate μ: √(e^{1/σ²} − 1) &gt; 1/σ).
     */
    public static double mu(double sigma, double q, long steps) {
        double clt = GdpAccountant.mu(sigma, q, steps);
        return q == 1 ? Math.sqrt(steps) / sigma : clt;
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
