package org.diffleak.core.privacy;

/**
 * One-run audit lower bound on ε (after Steinke, Nasr &amp; Jagielski 2023): an attack made r guesses about
 * which canaries were included and v were right. Under ε-DP each guess is right with probability at most
 * p_ε = e^ε/(1 + e^ε), so ε is rejected when P[Binomial(r, p_ε) ≥ v] &lt; α. The bound is the largest ε
 * so rejected, at confidence 1 − α.
 */
public final class EmpiricalEpsilon {

    private EmpiricalEpsilon() {}

    public static double lowerBound(int guesses, int correct, double alpha) {
        if (guesses < 0 || correct < 0 || correct > guesses) {
            throw new IllegalArgumentException("need 0 ≤ correct ≤ guesses, got " + correct + " of " + guesses);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("significance α must be in (0, 1), got " + alpha);
        }
        double logAlpha = Math.log(alpha);
        if (guesses == 0 || logTail(guesses, correct, 0.5) >= logAlpha) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        while (logTail(guesses, correct, sigmoid(hi)) < logAlpha) {
            lo = hi;
            hi *= 2;
            if (hi > 100) {
                return lo;
            }
        }
        for (int i = 0; i < 100; i++) {
            double mid = 0.5 * (lo + hi);
            if (logTail(guesses, correct, sigmoid(mid)) < logAlpha) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double sigmoid(double eps) {
        return 1 / (1 + Math.exp(-eps));
    }

    /** log P[Binomial(n, p) ≥ k], summed in log space. */
    static double logTail(int n, int k, double p) {
        double logP = Math.log(p);
        double logQ = Math.log1p(-p);
        double logBinom = 0;
        for (int i = 1; i <= k; i++) {
            logBinom += Math.log(n - i + 1) - Math.log(i);
        }
        double sum = Double.NEGATIVE_INFINITY;
        for (int i = k; i <= n; i++) {
            if (i > k) {
                logBinom += Math.log(n - i + 1) - Math.log(i);
            }
            sum = SpecialFunctions.logAdd(sum, logBinom + i * logP + (n - i) * logQ);
        }
        return sum;
    }
}
