package org.diffleak.core.report;

import org.diffleak.core.shift.BlindBaseline;
import org.diffleak.core.shift.DistributionCheck;

/** What the headline says of the distribution check: the warning before the attack sentence, and one line under it. */
final class DistributionNote {

    private DistributionNote() {}

    /** The warning that opens the headline where the attacked candidates differ in distribution, else "". */
    static String warning(DistributionCheck c) {
        if (c == null || !c.ran() || !c.attacksInflated()) {
            return "";
        }
        DistributionCheck on = c.matched() != null ? c.matched().recheck() : c;
        return (c.matched() != null ? "Even the matched member and non-member images" : "The member and non-member"
                + " images") + " differ in distribution: a classifier that never queries the model tells them apart"
                + " with AUC " + Fmt.dec(on.auc()) + " " + Fmt.ci(on.aucCi(), false) + ". Every attack figure below"
                + " is an upper bound inflated by that difference, not a measure of what the model leaks. ";
    }

    /** One line under the headline: that the check ran and found nothing, why it was skipped, or what matching kept. */
    static String line(DistributionCheck c) {
        if (c == null) {
            return "";
        }
        if (!c.ran()) {
            return "Distribution check skipped: " + c.skipped() + ".";
        }
        String whole = "AUC " + Fmt.dec(c.auc()) + " " + Fmt.ci(c.aucCi(), false) + " on " + c.members()
                + " members and " + c.nonMembers() + " non-members";
        if (c.matched() != null) {
            DistributionCheck r = c.matched().recheck();
            return "Matched on distribution: a classifier that never queries the model scored " + whole + " ("
                    + (c.shifted() ? "shifted" : "not shifted") + "); the attacks ran on the " + c.matched().members().length
                    + " members and " + c.matched().nonMembers().length + " non-members it scores alike (pairs within "
                    + Fmt.dec(c.matched().caliper()) + " in log-odds), " + (r.ran() ? "on which it scores AUC "
                    + Fmt.dec(r.auc()) + " " + Fmt.ci(r.aucCi(), false) : "too few to check again (" + r.skipped()
                    + ")") + ".";
        }
        if (c.shifted()) {
            return "Distribution check: " + whole + "; the sets count as shifted when the interval's lower end exceeds "
                    + BlindBaseline.SHIFT_THRESHOLD + ". --match-distribution reruns the attacks on the candidates it"
                    + " cannot tell apart.";
        }
        return "Distribution check ran and found no difference: a classifier that never queries the model scored "
                + whole + " (shifted only when the interval's lower end exceeds " + BlindBaseline.SHIFT_THRESHOLD
                + ").";
    }
}
