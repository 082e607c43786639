package org.diffleak.core.report;

import java.util.Objects;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;

/**
 * One membership attack's result on the target: its raw scores and the figures computed from them.
 *
 * @param name the attack, e.g. "secmi"
 * @param scenario e.g. "fine-tune" or "from-scratch"
 * @param access what the attack may use: "black-box", "gray-box", "white-box"
 * @param inference how signals become scores: "raw", "threshold", "gaussian-lr", "mlp"
 * @param scores per candidate: id, label (true = member) and score (higher = member)
 * @param metrics {@link MembershipMetrics#compute} of these scores
 * @param shadowThresholdBalancedAccuracy balanced accuracy on the target of the decision fitted on shadow
 *     models, or null where the attack fitted none
 */
public record AttackOutcome(String name, String scenario, String access, String inference, ScoresCsv scores,
        MembershipMetrics metrics, Double shadowThresholdBalancedAccuracy) {

    public AttackOutcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(metrics, "metrics");
        if (scores.ids().size() != scores.labels().length || scores.scores().length != scores.labels().length) {
            throw new IllegalArgumentException(name + ": " + scores.ids().size() + " ids, " + scores.labels().length
                    + " labels and " + scores.scores().length + " scores");
        }
        int members = 0;
        for (boolean l : scores.labels()) {
            members += l ? 1 : 0;
        }
        if (members != metrics.members() || scores.labels().length - members != metrics.nonMembers()) {
            throw new IllegalArgumentException(name + ": metrics count " + metrics.members() + " members and "
                    + metrics.nonMembers() + " non-members, the scores " + members + " and "
                    + (scores.labels().length - members));
        }
    }
}
