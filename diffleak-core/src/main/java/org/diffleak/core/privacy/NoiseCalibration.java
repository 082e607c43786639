package org.diffleak.core.privacy;

import java.util.function.Supplier;

/**
 * The smallest noise multiplier σ whose ε after `steps` steps at sample rate q stays within a target
 * (ε, δ): ε is decreasing in σ, so bracket and bisect until target − tolerance ≤ ε(σ) ≤ target.
 */
public final class NoiseCalibration {

    /** The calibrated σ and the ε it actually gives. */
    public record Result(double noiseMultiplier, double epsilon) {}

    private NoiseCalibration() {}

    public static Result calibrate(Supplier<Accountant> accountants, double targetEpsilon, double delta,
            double sampleRate, long steps, double tolerance) {
        if (!(targetEpsilon > 0) || !Double.isFinite(targetEpsilon)) {
            throw new IllegalArgumentException("target ε must be a finite number > 0, got " + targetEpsilon);
        }
        if (!(tolerance > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tolerance);
        }
        Segment.validateDelta(delta);
        Segment.validate(1, sampleRate, steps);
        double lo = 0;
        double hi = 1;
        double epsHi = epsilon(accountants, hi, delta, sampleRate, steps);
        while (epsHi > targetEpsilon) {
            lo = hi;
            hi *= 2;
            if (hi > 1e6) {
                throw new ArithmeticException("no σ up to 1e6 reaches ε = " + targetEpsilon + " at δ = " + delta
                        + " (q = " + sampleRate + ", " + steps + " steps)");
            }
            epsHi = epsilon(accountants, hi, delta, sampleRate, steps);
        }
        for (int i = 0; i < 200 && epsHi < targetEpsilon - tolerance; i++) {
            double mid = 0.5 * (lo + hi);
            double e = epsilon(accountants, mid, delta, sampleRate, steps);
            if (e > targetEpsilon) {
                lo = mid;
            } else {
                hi = mid;
                epsHi = e;
            }
        }
        return new Result(hi, epsHi);
    }

    private static double epsilon(Supplier<Accountant> accountants, double sigma, double delta, double q,
            long steps) {
        Accountant a = accountants.get();
        a.step(sigma, q, steps);
        return a.epsilon(delta);
    }
}
