package org.diffleak.core.recommend;

import java.util.function.DoubleUnaryOperator;

/**
 * The crossing x* of a decreasing function f (f(x) &gt; 0 left of x*, f(x) ≤ 0 right of it), by Brent's method
 * (Brent 1973; the bracketing form of Numerical Recipes' zbrent): inverse quadratic interpolation or a secant
 * step when it stays inside the bracket and shrinks it fast enough, bisection otherwise, so it converges on any
 * bracketed sign change, a step function included. The answer is the end of the final bracket (width ≤ the
 * tolerance) on the safe side, f(x) ≤ 0.
 */
public final class MonotoneRoot {

    private static final int MAX_ITERATIONS = 300;

    private MonotoneRoot() {}

    /**
     * The crossing of a decreasing f, searched from [lo, hi] and widened by steps of (hi − lo), doubling, until
     * f(lo) &gt; 0 ≥ f(hi), within [min, max].
     *
     * @throws IllegalArgumentException when f stays ≤ 0 at min or &gt; 0 at max
     */
    public static double decreasing(DoubleUnaryOperator f, double lo, double hi, double min, double max,
            double tolerance) {
        if (!(min <= lo && lo < hi && hi <= max) || !(tolerance > 0)) {
            throw new IllegalArgumentException("need min ≤ lo < hi ≤ max and tolerance > 0, got [" + lo + ", " + hi
                    + "] in [" + min + ", " + max + "], tolerance " + tolerance);
        }
        double step = hi - lo;
        double fLo = f.applyAsDouble(lo);
        double fHi = Double.NaN;
        boolean hiKnown = false;
        while (!(fLo > 0)) {
            if (lo == min) {
                throw new IllegalArgumentException("f(" + min + ") = " + fLo + " is already ≤ 0");
            }
            hi = lo;
            fHi = fLo;
            hiKnown = true;
            lo = Math.max(min, lo - step);
            step *= 2;
            fLo = f.applyAsDouble(lo);
        }
        if (!hiKnown) {
            fHi = f.applyAsDouble(hi);
        }
        while (fHi > 0) {
            if (hi == max) {
                throw new IllegalArgumentException("f(" + max + ") = " + fHi + " is still > 0");
            }
            lo = hi;
            fLo = fHi;
            hi = Math.min(max, hi + step);
            step *= 2;
            fHi = f.applyAsDouble(hi);
        }
        return brent(f, lo, fLo, hi, fHi, tolerance);
    }

    /** Brent's method on a bracket with f(a) &gt; 0 ≥ f(b) for a &lt; b; returns x with f(x) ≤ 0, within tolerance of the crossing. */
    static double brent(DoubleUnaryOperator f, double a, double fa, double b, double fb, double tolerance) {
        if (fb == 0) {
            return b;
        }
        double c = b;
        double fc = fb;
        double d = b - a;
        double e = d;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
            if ((fb > 0) == (fc > 0)) {
                c = a;
                fc = fa;
                d = b - a;
                e = d;
            }
            if (Math.abs(fc) < Math.abs(fb)) {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }
            double tol1 = 2 * Math.ulp(1.0) * Math.abs(b) + 0.5 * tolerance;
            double xm = 0.5 * (c - b);
            if (Math.abs(xm) <= tol1 || fb == 0) {
                return fb <= 0 ? b : c;
            }
            if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
                double s = fb / fa;
                double p;
                double q;
                if (a == c) {
                    p = 2 * xm * s;
                    q = 1 - s;
                } else {
                    double qa = fa / fc;
                    double r = fb / fc;
                    p = s * (2 * xm * qa * (qa - r) - (b - a) * (r - 1));
                    q = (qa - 1) * (r - 1) * (s - 1);
                }
                if (p > 0) {
                    q = -q;
                }
                p = Math.abs(p);
                if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
                    e = d;
                    d = p / q;
                } else {
                    d = xm;
                    e = d;
                }
            } else {
                d = xm;
                e = d;
            }
            a = b;
            fa = fb;
            b += Math.abs(d) > tol1 ? d : Math.copySign(tol1, xm);
            fb = f.applyAsDouble(b);
        }
        throw new ArithmeticException("Brent's method did not converge in " + MAX_ITERATIONS + " iterations");
    }
}
