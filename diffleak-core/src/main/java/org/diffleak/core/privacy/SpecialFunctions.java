package org.diffleak.core.privacy;

/**
 * erfc, log erfc, the normal cdf and its inverse, and log-space addition, in float64. Hand-written on purpose:
 * log erfc and log Φ far into the tail (SciPy's log_ndtr) have no Hipparchus equivalent (its erfc underflows
 * to 0 where log erfc is still an ordinary number), and the accountants, LiRA and the quantile transformer that
 * use these are pinned to reference values (TF Privacy, SciPy, scikit-learn) computed with them.
 */
public final class SpecialFunctions {

    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

    private SpecialFunctions() {}

    /** log(e^a + e^b) without overflow. */
    public static double logAdd(double a, double b) {
        double hi = Math.max(a, b);
        double lo = Math.min(a, b);
        if (hi == Double.NEGATIVE_INFINITY) {
            return hi;
        }
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** log(e^a − e^b) for a ≥ b. */
    public static double logSub(double a, double b) {
        if (b > a) {
            throw new ArithmeticException("logSub needs a ≥ b, got " + a + " < " + b);
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        if (a == b) {
            return Double.NEGATIVE_INFINITY;
        }
        double d = b - a;
        // log(1 − e^d): log1p(−e^d) near 0, log(−expm1(d)) far from it
        return a + (d > -0.693 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
    }

    /** erfc(x), relative error near 1e-14 on the whole line. */
    public static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        return x < 2 ? 1 - erfSeries(x) : Math.exp(-x * x - LOG_SQRT_PI) * continuedFraction(x);
    }

    /** log erfc(x), finite for every finite x (no underflow for large x). */
    public static double logErfc(double x) {
        if (x < 2) {
            return Math.log(erfc(x));
        }
        return -x * x - LOG_SQRT_PI + Math.log(continuedFraction(x));
    }

    /** Maclaurin series erf(x) = 2/√π Σ (−1)^n x^{2n+1} / (n! (2n+1)), for |x| &lt; 2. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /**
     * The continued fraction √π e^{x²} erfc(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated
     * by the modified Lentz method; converges fast for x ≥ 2.
     */
    private static double continuedFraction(double x) {
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k / 2.0;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return 1 / f;
    }

    /** Φ(x), the standard normal cdf. */
    public static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** log Φ(x), accurate far into the lower tail. */
    public static double logNormalCdf(double x) {
        return Math.log(0.5) + logErfc(-x / Math.sqrt(2));
    }

    /** Φ⁻¹(p) for p in (0, 1): Acklam's rational start refined by two Newton steps on Φ. */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("normal quantile needs p in (0, 1), got " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p > 1 - 0.02425) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        for (int i = 0; i < 2; i++) {
            // Newton on log Φ(x) − log p, stable in both tails: d/dx log Φ = φ(x)/Φ(x)
            double logPhi = logNormalCdf(x);
            double logDensity = -0.5 * x * x - 0.5 * Math.log(2 * Math.PI);
            x -= (logPhi - Math.log(p)) / Math.exp(logDensity - logPhi);
        }
        return x;
    }
}
