package org.diffleak.core.recommend;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import org.diffleak.core.privacy.NoiseCalibration;
import org.diffleak.core.privacy.RdpAccountant;

/**
 * The largest ε of a measured sweep at which every attack's risk stays within a tolerance τ, judged by the upper
 * end of its 95% bootstrap interval u_a(ε) so that sampling error of the measurement counts against the
 * recommendation. Going up the private levels ε₁ &lt; ε₂ &lt; …, the first level k where some u_a(ε_k) &gt; τ ends
 * the search, so every measured ε below the recommendation stays within τ (a noisy dip above a failing level is
 * not trusted). Between ε_{k−1} and ε_k each attack's bound is taken as linear in log ε, and the recommendation is
 * the first crossing, min over the attacks with u_a(ε_k) &gt; τ of
 * log ε* = log ε_{k−1} + (τ − u_a(ε_{k−1})) / (u_a(ε_k) − u_a(ε_{k−1})) · (log ε_k − log ε_{k−1}),
 * marked as interpolated; its σ comes from {@link NoiseCalibration} (RDP accountant) with ε_{k−1}'s δ, q and T.
 * Where no private level exceeds τ the largest measured ε is the answer: the sweep does not show where τ is
 * crossed. Where even the smallest ε exceeds τ there is no answer ({@link NothingWithinTolerance}).
 */
public final class SweepRecommendation {

    /** Binding where every measured private ε stays within the tolerance: the sweep ends before the crossing. */
    public static final String SWEEP_END = "largest_measured_epsilon";

    /** Even the smallest measured ε exceeds the tolerance: nothing is recommended. */
    public static final class NothingWithinTolerance extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        NothingWithinTolerance(String message) {
            super(message);
        }
    }

    /**
     * @param epsilon the recommended ε
     * @param noiseMultiplier its σ: measured where the point was measured, else calibrated
     * @param binding the attack whose bound crosses τ first, or {@link #SWEEP_END}
     * @param interpolated true where ε lies between two measured levels
     * @param below index in the sweep's levels of the largest measured level within τ (at or below ε)
     * @param above index of the first level above τ, or −1 where no private level exceeds it
     */
    public record Result(double epsilon, double noiseMultiplier, String binding, boolean interpolated, int below,
            int above, double tolerance, RiskSweep sweep) {

        /** Where the recommendation lies, in words. */
        public String where() {
            RiskSweep.Level lo = sweep.levels().get(below);
            if (above < 0) {
                RiskSweep.Level last = sweep.levels().get(sweep.levels().size() - 1);
                String nonPrivate = last.isPrivate() ? ""
                        : within(last, tolerance) ? ", and so does the non-private model"
                        : "; the non-private model does not";
                return "the largest measured ε (" + lo.label() + "): every measured private level stays within "
                        + fmt(tolerance) + nonPrivate;
            }
            RiskSweep.Level hi = sweep.levels().get(above);
            return interpolated
                    ? "interpolated in log ε between " + lo.label() + " (within) and " + hi.label() + " (above, by "
                            + binding + ")"
                    : "at " + lo.label() + ", the last level within " + fmt(tolerance) + "; " + hi.label()
                            + " is above it (" + binding + ")";
        }
    }

    private SweepRecommendation() {}

    /** What a recommendation from this sweep protects against and what it does not, in one sentence. */
    public static String scope(RiskSweep sweep) {
        return RiskSweep.AUDIT.equals(sweep.source())
                ? "It protects against the membership attacks this audit ran, on its candidates, reaching a "
                        + sweep.measure() + " above the tolerance (by the upper 95% bootstrap bound); it does not bound"
                        + " stronger or later attacks, other data or training recipes, or the worst case, which only"
                        + " the accountant's ε speaks for."
                : "It protects against this diffusion-prior attacker, with this prior and release, recovering more"
                        + " than the tolerated " + sweep.measure() + " (by the upper 95% bootstrap bound over the"
                        + " images); it does not bound attackers with better priors, single images far above the mean,"
                        + " or membership inference.";
    }

    /** @param tolerance τ in (0, 1) */
    public static Result recommend(RiskSweep sweep, double tolerance) {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw new IllegalArgumentException("the tolerated " + sweep.measure() + " must be in (0, 1), got "
                    + tolerance);
        }
        int n = (int) sweep.levels().stream().filter(RiskSweep.Level::isPrivate).count();
        int k = 0;
        while (k < n && within(sweep.levels().get(k), tolerance)) {
            k++;
        }
        if (k == 0) {
            RiskSweep.Level first = sweep.levels().get(0);
            String worst = first.worst();
            throw new NothingWithinTolerance("even the smallest measured ε (" + first.label() + ") has "
                    + sweep.measure() + " up to " + fmt(first.risks().get(worst).upper()) + " (upper 95% bound, "
                    + worst + ") > the tolerated " + fmt(tolerance) + ": no ε recommended");
        }
        RiskSweep.Level lo = sweep.levels().get(k - 1);
        if (k == n) {
            return new Result(lo.epsilon(), lo.noiseMultiplier(), SWEEP_END, false, k - 1, -1, tolerance, sweep);
        }
        RiskSweep.Level hi = sweep.levels().get(k);
        double t = 1;
        String binding = null;
        for (Map.Entry<String, RiskSweep.Risk> e : hi.risks().entrySet()) {
            double uHi = e.getValue().upper();
            if (!(uHi > tolerance)) {
                continue;
            }
            RiskSweep.Risk before = lo.risks().get(e.getKey());
            double uLo = before == null ? Double.NaN : before.upper();
            double ta = Double.isFinite(uLo) ? (tolerance - uLo) / (uHi - uLo) : 0;
            if (binding == null || ta < t) {
                t = ta;
                binding = e.getKey();
            }
        }
        if (t == 0) {
            return new Result(lo.epsilon(), lo.noiseMultiplier(), binding, false, k - 1, k, tolerance, sweep);
        }
        double eps = Math.exp(Math.log(lo.epsilon()) + t * (Math.log(hi.epsilon()) - Math.log(lo.epsilon())));
        double sigma = NoiseCalibration.calibrate(RdpAccountant::new, eps, lo.delta(), lo.sampleRate(), lo.steps(),
                1e-6 * eps).noiseMultiplier();
        return new Result(eps, sigma, binding, true, k - 1, k, tolerance, sweep);
    }

    /** True when every attack's upper bound at this level is ≤ τ (an attack without one does not count). */
    static boolean within(RiskSweep.Level level, double tolerance) {
        return level.risks().values().stream().noneMatch(r -> r.upper() > tolerance);
    }

    /** v to 3 significant digits, trailing zeros dropped. */
    public static String fmt(double v) {
        return Double.isFinite(v) ? new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString()
                : String.valueOf(v);
    }
}
