package org.diffleak.core.audit;

import java.util.List;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.report.Fact;

/**
 * What the audit pipeline hands to scoring: the signals, the candidate counts, the target's candidates (for
 * image galleries), facts about the target and the time each stage took.
 *
 * @param targetCandidates members first, then non-members, in the order of the signal rows
 * @param targetIds the candidates' indices in the dataset, same order
 * @param shadowCandidatesPerSide members (= non-members) of each shadow
 * @param targetPrivacy the DP-SGD guarantee of the target's model card, or null for a non-private target
 * @param canaries the target's signals on its canaries, or null for an audit without canaries
 * @param calibration under LiRA's protocol: who trained on what (the rows then hold the pool, members first, then
 *     the population samples); null otherwise
 */
public record AuditSignals(AuditConfig config, List<Signal> signals, int targetMembers, int targetNonMembers,
        int shadowCandidatesPerSide, ImageDataset targetCandidates, int[] targetIds, List<Fact> targetFacts,
        List<Stage> timings, PrivacySpent targetPrivacy, CanaryRows canaries, CalibratedScoring.Pool calibration) {

    /** Wall-clock seconds of one pipeline stage. */
    public record Stage(String name, double seconds) {}

    /**
     * The target's signal rows [canary][features] for each signal (same order as signals), and which canaries
     * were inserted into its training set.
     */
    public record CanaryRows(boolean[] inserted, List<double[][]> rows) {

        public CanaryRows {
            rows = List.copyOf(rows);
            for (double[][] r : rows) {
                if (r.length != inserted.length) {
                    throw new IllegalArgumentException(r.length + " canary rows for " + inserted.length + " canaries");
                }
            }
        }
    }

    public AuditSignals {
        signals = List.copyOf(signals);
        targetFacts = List.copyOf(targetFacts);
        timings = List.copyOf(timings);
        if (canaries != null && canaries.rows().size() != signals.size()) {
            throw new IllegalArgumentException(canaries.rows().size() + " canary signals for " + signals.size()
                    + " signals");
        }
    }
}
