package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;
import org.diffleak.core.metrics.MembershipMetrics.Interval;

/**
 * One audited target in the privacy table: what DP-SGD's accountant proves (an upper bound on ε), what the
 * canaries show (a lower bound), and what the strongest membership attack achieved.
 *
 * @param setting e.g. "ε = 8 (DP-SGD)" or "non-private"
 * @param accounted the accountant's guarantee, or null for a non-private target (ε = ∞)
 * @param audited the canary audit's lower bound, or null for an audit without canaries
 * @param bestAttack the attack with the highest AUC, or null where none ran
 * @param attacks every attack's TPR at low FPR with its bootstrap interval on this target, as {@code diffleak
 *     recommend} reads them (empty where none ran)
 */
public record PrivacyRow(String setting, Accounted accounted, Audited audited, String bestAttack, double auc,
        double tprAt1PctFpr, List<AttackTpr> attacks) {

    /** A row without per-attack figures. */
    public PrivacyRow(String setting, Accounted accounted, Audited audited, String bestAttack, double auc,
            double tprAt1PctFpr) {
        this(setting, accounted, audited, bestAttack, auc, tprAt1PctFpr, List.of());
    }

    /** One attack's TPR at 1% and 0.1% FPR with their 95% bootstrap intervals. */
    public record AttackTpr(String attack, double tprAt1PctFpr, Interval tprAt1PctFprCi, double tprAt01PctFpr,
            Interval tprAt01PctFprCi) {

        public AttackTpr {
            Objects.requireNonNull(attack, "attack");
            Objects.requireNonNull(tprAt1PctFprCi, "tprAt1PctFprCi");
            Objects.requireNonNull(tprAt01PctFprCi, "tprAt01PctFprCi");
        }
    }

    /** (ε, δ) of the RDP accountant for DP-SGD with noise multiplier σ, clip C and sample rate q over steps. */
    public record Accounted(double epsilon, double delta, double noiseMultiplier, double clip, double sampleRate,
            long steps) {}

    /**
     * The one-run canary audit: ε ≥ epsilon with 95% confidence, from `guesses` guesses with `correct` right by
     * `attack`, the best of `tests` Bonferroni-corrected tests.
     *
     * @param inserted canaries inserted into the target's training set, of `canaries`
     */
    public record Audited(double epsilon, int canaries, int inserted, String attack, int guesses, int correct,
            int tests) {}

    public PrivacyRow {
        Objects.requireNonNull(setting, "setting");
        attacks = List.copyOf(attacks);
    }

    /** True when the audited lower bound exceeds the proven upper bound: DP-SGD or its accounting is broken. */
    public boolean violated() {
        return accounted != null && audited != null && audited.epsilon() > accounted.epsilon();
    }
}
