package org.diffleak.core.privacy;

/**
 * Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (Mironov 2017; Mironov, Talwar &amp;
 * Zhang 2019), as Opacus computes it: pure static maths under a thin stateful history of (σ, q, steps).
 */
public final class RdpAccountant extends SegmentHistory {

    /** Opacus's default orders: 1.1, 1.2, …, 10.9 and 12, 13, …, 63. */
    public static final double[] DEFAULT_ORDERS = defaultOrders();

    private final double[] orders;

    public RdpAccountant() {
        this(DEFAULT_ORDERS);
    }

    public RdpAccountant(double[] orders) {
        for (double a : orders) {
            if (!(a > 1) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("RDP orders must be finite and > 1, got " + a);
            }
        }
        this.orders = orders.clone();
    }

    private static double[] defaultOrders() {
        double[] o = new double[99 + 52];
        for (int i = 1; i < 100; i++) {
            o[i - 1] = 1 + i / 10.0;
        }
        for (int a = 12; a < 64; a++) {
            o[99 + a - 12] = a;
        }
        return o;
    }

    /** (ε, the order that achieves it). */
    public record Spent(double epsilon, double bestOrder) {}

    @Override
    public double epsilon(double delta) {
        return spent(delta).epsilon();
    }

    public Spent spent(double delta) {
        double[] rdp = new double[orders.length];
        for (Segment s : history()) {
            double[] r = computeRdp(s.sampleRate(), s.noiseMultiplier(), s.steps(), orders);
            for (int i = 0; i < rdp.length; i++) {
                rdp[i] += r[i];
            }
        }
        return privacySpent(orders, rdp, delta);
    }

    /** RDP ε_α(T) = T · log(A_α)/(α − 1) of T compositions, at each order. */
    public static double[] computeRdp(double q, double sigma, long steps, double[] orders) {
        Segment.validate(sigma, q, steps);
        double[] out = new double[orders.length];
        for (int i = 0; i < orders.length; i++) {
            out[i] = steps * rdpOnce(q, sigma, orders[i]);
        }
        return out;
    }

    static double rdpOnce(double q, double sigma, double alpha) {
        if (q == 1.0) {
            return alpha / (2 * sigma * sigma);
        }
        return logA(q, sigma, alpha) / (alpha - 1);
    }

    static double logA(double q, double sigma, double alpha) {
        return alpha == Math.floor(alpha) ? logAInt(q, sigma, (int) alpha) : logAFrac(q, sigma, alpha);
    }

    /** log A_α = log Σ_{i=0}^{α} C(α,i) (1−q)^{α−i} q^i exp((i²−i)/(2σ²)), integer α. */
    static double logAInt(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logBinom = 0;
        for (int i = 0; i <= alpha; i++) {
            if (i > 0) {
                logBinom += Math.log(alpha - i + 1) - Math.log(i);
            }
            double s = logBinom + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * (double) i - i) / (2 * sigma * sigma);
            logA = SpecialFunctions.logAdd(logA, s);
        }
        return logA;
    }

    /**
     * log A_α for fractional α (Mironov, Talwar &amp; Zhang 2019, §3.3): two series split at
     * z₀ = σ² log(1/q − 1) + 1/2, summed until both terms fall below e^−30.
     */
    static double logAFrac(double q, double sigma, double alpha) {
        double logA0 = Double.NEGATIVE_INFINITY;
        double logA1 = Double.NEGATIVE_INFINITY;
        double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
        double logAbsCoef = 0;
        double signCoef = 1;
        for (int i = 0; ; i++) {
            if (i > 0) {
                double f = (alpha - i + 1) / i;
                logAbsCoef += Math.log(Math.abs(f));
                signCoef *= Math.signum(f);
            }
            double j = alpha - i;
            double logT0 = logAbsCoef + i * Math.log(q) + j * Math.log1p(-q);
            double logT1 = logAbsCoef + j * Math.log(q) + i * Math.log1p(-q);
            double logE0 = Math.log(0.5) + SpecialFunctions.logErfc((i - z0) / (Math.sqrt(2) * sigma));
            double logE1 = Math.log(0.5) + SpecialFunctions.logErfc((z0 - j) / (Math.sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double) i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (signCoef > 0) {
                logA0 = SpecialFunctions.logAdd(logA0, logS0);
                logA1 = SpecialFunctions.logAdd(logA1, logS1);
            } else {
                logA0 = SpecialFunctions.logSub(logA0, logS0);
                logA1 = SpecialFunctions.logSub(logA1, logS1);
            }
            if (Math.max(logS0, logS1) < -30 || i > 100_000) {
                break;
            }
        }
        return SpecialFunctions.logAdd(logA0, logA1);
    }

    /**
     * (ε, δ) from RDP by the improved conversion (Balle et al. 2020; as in Opacus):
     * ε = min_α [ε_α − (log δ + log α)/(α − 1) + log((α − 1)/α)].
     */
    public static Spent privacySpent(double[] orders, double[] rdp, double delta) {
        Segment.validateDelta(delta);
        double best = Double.POSITIVE_INFINITY;
        double bestOrder = Double.NaN;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            double eps = rdp[i] - (Math.log(delta) + Math.log(a)) / (a - 1) + Math.log((a - 1) / a);
            if (!Double.isNaN(eps) && eps < best) {
                best = eps;
                bestOrder = a;
            }
        }
        return new Spent(Math.max(0, best), bestOrder);
    }
}
