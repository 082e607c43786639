package org.diffleak.cli;

import java.io.PrintWriter;
import java.util.List;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.PrivacyRow;

/** The audit's console tables: one line per attack outcome, one per privacy setting. */
final class AuditConsole {

    private AuditConsole() {}

    /** The accountant's ε (upper bound) beside the canary audit's (lower bound). */
    static void printPrivacy(PrintWriter log, List<PrivacyRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        log.printf("%-28s %14s %14s  %s%n", "privacy", "ε accountant", "ε audited", "strongest attack (AUC)");
        for (PrivacyRow r : rows) {
            log.printf("%-28s %14s %14s  %s%n", r.setting(),
                    r.accounted() == null ? "∞" : String.format("≤ %.3f", r.accounted().epsilon()),
                    r.audited() == null ? "—" : String.format("≥ %.3f", r.audited().epsilon()),
                    r.bestAttack() == null ? "—" : String.format("%s (%.3f)", r.bestAttack(), r.auc()));
        }
    }

    /** A TPR at an FPR for the console table, or n/r where the non-members cannot resolve that FPR. */
    private static String tpr(MembershipMetrics m, double fpr, double value) {
        return m.resolves(fpr) ? String.format("%.3f", value) : "n/r";
    }

    static void print(PrintWriter log, List<AttackOutcome> outcomes) {
        log.printf("%-46s %-44s %-11s %6s %9s %9s%n", "attack", "scenario", "inference", "AUC", "TPR@1%", "TPR@0.1%");
        for (AttackOutcome o : outcomes) {
            log.printf("%-46s %-44s %-11s %6.3f %9s %9s%n", o.name(), o.scenario(), o.inference(), o.metrics().auc(),
                    tpr(o.metrics(), MembershipMetrics.FPR_1PCT, o.metrics().tprAt1PctFpr()),
                    tpr(o.metrics(), MembershipMetrics.FPR_01PCT, o.metrics().tprAt01PctFpr()));
        }
        MembershipMetrics first = outcomes.isEmpty() ? null : outcomes.get(0).metrics();
        if (first != null && !first.resolves(MembershipMetrics.FPR_01PCT)) {
            log.println("n/r: " + MembershipMetrics.unresolvable(first.resolves(MembershipMetrics.FPR_1PCT)
                    ? MembershipMetrics.FPR_01PCT : MembershipMetrics.FPR_1PCT, first.nonMembers()));
        }
    }
}
