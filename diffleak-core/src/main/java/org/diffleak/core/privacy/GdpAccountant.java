package org.diffleak.core.privacy;

/**
 * Gaussian-DP accountant by the central limit theorem for Poisson subsampling (Dong, Roth &amp; Su 2019;
 * Bu et al. 2020): each segment is μ_i-GDP with μ_i = q √(T (e^{1/σ²} − 1)), segments compose as
 * μ = √(Σ μ_i²), and δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2).
 */
public final class GdpAccountant extends SegmentHistory {

    /** μ of the whole history. */
    public double mu() {
        double sq = 0;
        for (Segment s : history()) {
            double m = mu(s.noiseMultiplier(), s.sampleRate(), s.steps());
            sq += m * m;
        }
        return Math.sqrt(sq);
    }

    /** μ = q √(T (e^{1/σ²} − 1)). */
    public static double mu(double sigma, double q, long steps) {
        Segment.validate(sigma, q, steps);
        return q * Math.sqrt(steps * Math.expm1(1 / (sigma * sigma)));
    }

    @Override
    public double epsilon(double delta) {
        return epsilonForMu(mu(), delta);
    }

    /** log δ(ε) for μ-GDP, computed in log space so that tiny δ and large ε stay finite. */
    public static double logDelta(double mu, double eps) {
        double logA = SpecialFunctions.logNormalCdf(-eps / mu + mu / 2);
        double logB = eps + SpecialFunctions.logNormalCdf(-eps / mu - mu / 2);
        return logB >= logA ? Double.NEGATIVE_INFINITY : SpecialFunctions.logSub(logA, logB);
    }

    public static double delta(double mu, double eps) {
        return Math.exp(logDelta(mu, eps));
    }

    /** The ε at which μ-GDP gives this δ: δ(ε) is decreasing, so bisection on log δ. */
    public static double epsilonForMu(double mu, double delta) {
        Segment.validateDelta(delta);
        if (!(mu >= 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("μ must be finite and ≥ 0, got " + mu);
        }
        if (mu == 0) {
            return 0;
        }
        double target = Math.log(delta);
        if (logDelta(mu, 0) <= target) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        while (logDelta(mu, hi) > target) {
            lo = hi;
            hi *= 2;
            if (hi > 1e6) {
                throw new ArithmeticException("ε exceeds 1e6 for μ = " + mu + ", δ = " + delta);
            }
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
            double mid = 0.5 * (lo + hi);
            if (logDelta(mu, mid) > target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }
}
