package org.diffleak.core.audit;

import java.util.List;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.report.Fact;

/**
 * What the audit pipeline hands to scoring: the signals, the candidate counts, the target's candidates (for
 * image galleries), facts about the target and the time each stage took.
 *
 * @param targetCandidates members first, then non-members, in the order of the signal rows
 * @param targetIds the candidates' indices in the dataset, same order
 * @param shadowCandidatesPerSide members (= non-members) of each shadow
 */
public record AuditSignals(AuditConfig config, List<Signal> signals, int targetMembers, int targetNonMembers,
        int shadowCandidatesPerSide, ImageDataset targetCandidates, int[] targetIds, List<Fact> targetFacts,
        List<Stage> timings) {

    /** Wall-clock seconds of one pipeline stage. */
    public record Stage(String name, double seconds) {}

    public AuditSignals {
        signals = List.copyOf(signals);
        targetFacts = List.copyOf(targetFacts);
        timings = List.copyOf(timings);
    }
}
