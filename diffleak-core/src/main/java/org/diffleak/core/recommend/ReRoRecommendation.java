package org.diffleak.core.recommend;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.diffleak.core.privacy.GdpAccountant;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.reconstruction.ReRoBound;

/**
 * The largest ε, and its noise multiplier σ, whose reconstruction-robustness bound stays within a tolerated
 * success γ*, from the bound alone. For DP-SGD at sample rate q over T steps, the ReRo bound γ(σ) falls
 * monotonically from 1 (σ → 0) to the prior's own success κ (σ → ∞), and ε(σ) falls with σ, so the largest ε
 * is at the smallest σ with γ(σ) ≤ γ*. That σ is found by {@link MonotoneRoot} on log σ for each form of the
 * bound ({@link ReRoBound}):
 * <ul>
 *   <li>Monte Carlo on DP-SGD's likelihood ratio, γ_MC(σ) (tight for DP-SGD up to Monte Carlo error), every
 *       evaluation drawing the same N samples from one seed so that γ_MC is a fixed function of σ;</li>
 *   <li>μ-GDP, γ_GDP(σ) = Φ(Φ⁻¹(κ) + μ(σ)): at q = 1 with the exact μ = √T/σ (tight: full-batch DP-SGD is T
 *       composed Gaussian mechanisms), so σ = √T / μ* with μ* = Φ⁻¹(γ*) − Φ⁻¹(κ); below q = 1 with the CLT
 *       μ(σ) = q √(T (e^{1/σ²} − 1)), whose root σ = 1 / √(log(1 + μ*² / (q² T))) the tests check the search
 *       against.</li>
 * </ul>
 * The tight form binds: the exact GDP form at q = 1, the Monte Carlo form below it (the CLT is an approximation
 * that can err either way, so it is shown, never used). ε comes from the RDP accountant at δ, the accountant
 * DP-SGD training uses.
 */
public final class ReRoRecommendation {

    /** Binding: the Monte Carlo bound on DP-SGD needed the larger σ. */
    public static final String MONTE_CARLO = "rero_dpsgd_monte_carlo";
    /** Binding: the exact μ-GDP form (q = 1). */
    public static final String GDP = "rero_gdp_exact";

    /** What the recommendation protects against and what it does not, in one sentence. */
    public static final String SCOPE = "It protects against any attacker, with any prior, reconstructing a training"
            + " example of this DP-SGD run (at this σ, q and T) more often than the tolerated γ where the prior alone"
            + " succeeds with κ; it does not cover a prior that does better than κ, leakage judged by other measures,"
            + " or a broken implementation or accounting of DP-SGD.";

    /** The search range of σ. */
    static final double MIN_SIGMA = 1e-3;
    static final double MAX_SIGMA = 1e6;
    /** Convergence in log σ of the closed form: γ_GDP to ~1e-10. */
    static final double GDP_TOLERANCE = 1e-10;
    /** Convergence in log σ of the Monte Carlo form: σ to 1e-5 relative, far below the Monte Carlo error. */
    static final double MONTE_CARLO_TOLERANCE = 1e-5;

    /**
     * One form of the bound at its own smallest σ.
     *
     * @param gamma γ at that σ (≤ the tolerance)
     * @param standardError the Monte Carlo standard error of γ (0 for the closed form)
     */
    public record Side(double noiseMultiplier, double epsilon, double gamma, double standardError) {}

    /**
     * @param epsilon the recommended ε (RDP accountant at δ)
     * @param noiseMultiplier its σ, from the tight side
     * @param binding {@link #MONTE_CARLO} (q &lt; 1) or {@link #GDP} (q = 1)
     */
    public record Result(double epsilon, double noiseMultiplier, String binding, Side monteCarlo, Side gdp,
            double tolerance, double kappa, double sampleRate, long steps, double delta) {}

    private ReRoRecommendation() {}

    /**
     * @param tolerance γ*, the tolerated reconstruction success, in (κ, 1)
     * @param kappa the prior's own success κ in (0, 1)
     * @param samples Monte Carlo draws per evaluation of γ_MC
     * @param seed the seed of those draws (the same draws at every σ)
     */
    public static Result recommend(double tolerance, double kappa, double sampleRate, long steps, double delta,
            int samples, long seed) {
        validate(tolerance, kappa);
        GdpAccountant.mu(1, sampleRate, steps); // rejects q outside (0, 1] and T < 1 before any search
        double sGdp = sigmaGdp(tolerance, kappa, sampleRate, steps);
        double sMc = sigmaMonteCarlo(tolerance, kappa, sampleRate, steps, samples, seed);
        ReRoBound.Estimate mc = ReRoBound.dpSgd(sMc, sampleRate, steps, kappa, samples, new SplittableRandom(seed));
        Side monteCarlo = new Side(sMc, epsilon(sMc, sampleRate, steps, delta), mc.gamma(), mc.standardError());
        Side gdp = new Side(sGdp, epsilon(sGdp, sampleRate, steps, delta), gammaGdp(sGdp, sampleRate, steps, kappa), 0);
        boolean exact = sampleRate == 1;
        Side binding = exact ? gdp : monteCarlo;
        return new Result(binding.epsilon(), binding.noiseMultiplier(), exact ? GDP : MONTE_CARLO, monteCarlo,
                gdp, tolerance, kappa, sampleRate, steps, delta);
    }

    /** The smallest σ with γ_GDP(σ) ≤ γ*, by root-finding. */
    public static double sigmaGdp(double tolerance, double kappa, double sampleRate, long steps) {
        validate(tolerance, kappa);
        return solve(x -> gammaGdp(Math.exp(x), sampleRate, steps, kappa) - tolerance, GDP_TOLERANCE, "μ-GDP",
                tolerance, kappa);
    }

    /** The smallest σ with γ_MC(σ) ≤ γ*, every evaluation on the same `samples` draws from `seed`. */
    public static double sigmaMonteCarlo(double tolerance, double kappa, double sampleRate, long steps, int samples,
            long seed) {
        validate(tolerance, kappa);
        return solve(x -> ReRoBound.dpSgd(Math.exp(x), sampleRate, steps, kappa, samples, new SplittableRandom(seed))
                .gamma() - tolerance, MONTE_CARLO_TOLERANCE, "Monte Carlo", tolerance, kappa);
    }

    /** γ_GDP(σ); 1 where μ overflows (σ so small that e^{1/σ²} is infinite). */
    static double gammaGdp(double sigma, double sampleRate, long steps, double kappa) {
        double mu = ReRoBound.mu(sigma, sampleRate, steps);
        return Double.isInfinite(mu) ? 1 : ReRoBound.gdp(mu, kappa);
    }

    private static double solve(DoubleUnaryOperator f, double logSigmaTolerance, String form, double tolerance,
            double kappa) {
        try {
            return Math.exp(MonotoneRoot.decreasing(f, 0, Math.log(4), Math.log(MIN_SIGMA), Math.log(MAX_SIGMA),
                    logSigmaTolerance));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no σ in [" + MIN_SIGMA + ", " + MAX_SIGMA + "] brings the " + form
                    + " ReRo bound to γ ≤ " + tolerance + " (κ = " + kappa + ")", e);
        }
    }

    private static double epsilon(double sigma, double sampleRate, long steps, double delta) {
        RdpAccountant a = new RdpAccountant();
        a.step(sigma, sampleRate, steps);
        return a.epsilon(delta);
    }

    private static void validate(double tolerance, double kappa) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("the tolerated ReRo γ must be in (0, 1), got " + tolerance);
        }
        if (!(kappa > 0 && kappa < 1)) {
            throw new IllegalArgumentException("κ must be in (0, 1), got " + kappa);
        }
        if (tolerance <= kappa) {
            throw new IllegalArgumentException("the tolerated ReRo γ = " + tolerance + " is not above κ = " + kappa
                    + ": the prior alone succeeds that often, so no ε can promise less");
        }
    }
}
