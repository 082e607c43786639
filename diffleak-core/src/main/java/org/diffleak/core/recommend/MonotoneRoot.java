package org.diffleak.core.recommend;

import java.util.function.DoubleUnaryOperator;
import org.hipparchus.analysis.solvers.AllowedSolution;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.hipparchus.exception.MathIllegalStateException;

/**
 * The crossing x* of a decreasing function f (f(x) &gt; 0 left of x*, f(x) ≤ 0 right of it), by Brent's method
 * (Brent 1973; Hipparchus' bracketing solver): inverse quadratic interpolation when it stays inside the bracket
 * and shrinks it fast enough, bisection otherwise, so it converges on any bracketed sign change, a step function
 * included. The answer is the end of the final bracket (width ≤ the tolerance) on the safe side, f(x) ≤ 0.
 */
public final class MonotoneRoot {

    private static final int MAX_ITERATIONS = 300;
    /** Brent's inverse quadratic interpolation: the order of the classic method. */
    private static final int MAXIMAL_ORDER = 2;

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
        // relative accuracy 2 ulp(1), no stop on small |f| (a step function is never small)
        BracketingNthOrderBrentSolver solver = new BracketingNthOrderBrentSolver(2 * Math.ulp(1.0), tolerance, 0,
                MAXIMAL_ORDER);
        try {
            return solver.solve(MAX_ITERATIONS, f::applyAsDouble, a, b, AllowedSolution.RIGHT_SIDE);
        } catch (MathIllegalStateException e) {
            throw new ArithmeticException("Brent's method did not converge in " + MAX_ITERATIONS + " evaluations");
        }
    }
}
