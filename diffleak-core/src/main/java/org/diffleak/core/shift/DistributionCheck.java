package org.diffleak.core.shift;

import java.util.List;
import java.util.Locale;
import org.diffleak.core.metrics.MembershipMetrics.Interval;

/**
 * The outcome of the {@link BlindBaseline}: how well a classifier that never touches the model tells the
 * members from the non-members by their pixels alone.
 *
 * @param skipped why the check did not run (null when it ran)
 * @param auc cross-validated AUC of the blind classifier (NaN when skipped)
 * @param aucCi its 95% stratified-bootstrap interval
 * @param shifted whether the interval's lower end exceeds {@link BlindBaseline#SHIFT_THRESHOLD}
 * @param method the classifier and protocol, in words
 * @param features the feature groups
 * @param scores the out-of-fold log-odds of being a member, members first (empty when skipped)
 * @param matched the propensity-matched subset kept by --match-distribution (null when not asked)
 */
public record DistributionCheck(String skipped, int members, int nonMembers, double auc, Interval aucCi,
        boolean shifted, String method, List<String> features, double[] scores, double seconds, Matched matched) {

    /**
     * The candidates matching kept and the blind check rerun on them.
     *
     * @param members indices of the kept members among the members
     * @param nonMembers indices of the kept non-members among the non-members
     * @param caliper the largest |logit difference| of a matched pair
     * @param recheck the blind baseline cross-validated anew on the kept candidates alone
     */
    public record Matched(int[] members, int[] nonMembers, double caliper, DistributionCheck recheck) {}

    public DistributionCheck {
        features = List.copyOf(features);
    }

    static DistributionCheck skipped(String reason, int members, int nonMembers, String method) {
        return new DistributionCheck(reason, members, nonMembers, Double.NaN, new Interval(Double.NaN, Double.NaN),
                false, method, ImageFeatures.GROUPS, new double[0], 0, null);
    }

    public boolean ran() {
        return skipped == null;
    }

    /** This check with the matched subset. */
    public DistributionCheck withMatched(Matched m) {
        return new DistributionCheck(skipped, members, nonMembers, auc, aucCi, shifted, method, features, scores,
                seconds, m);
    }

    /** Whether the candidates the attacks ran on (the matched ones, where matched) differ in distribution. */
    public boolean attacksInflated() {
        return matched != null ? matched.recheck().shifted() : shifted;
    }

    /** One line for the console and the report. */
    public String summary() {
        if (!ran()) {
            return "distribution check skipped: " + skipped;
        }
        String figures = String.format(Locale.ROOT, "blind AUC %.3f [%.3f, %.3f] on %d members / %d non-members",
                auc, aucCi.low(), aucCi.high(), members, nonMembers);
        String verdict = shifted
                ? "the member and non-member images differ in distribution; attack figures are upper bounds inflated"
                        + " by that difference"
                : "no difference in distribution found";
        String line = "distribution check: " + figures + ": " + verdict;
        if (matched != null) {
            DistributionCheck r = matched.recheck();
            line += String.format(Locale.ROOT, "; matched: kept %d of %d members and %d of %d non-members (%s)",
                    matched.members().length, members, matched.nonMembers().length, nonMembers, r.ran()
                            ? String.format(Locale.ROOT, "blind AUC on them %.3f [%.3f, %.3f]", r.auc(),
                                    r.aucCi().low(), r.aucCi().high())
                            : "too few to check again: " + r.skipped());
        }
        return line;
    }
}
