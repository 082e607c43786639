package org.diffleak.core.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.shift.DistributionCheck;

/**
 * What the page and results.json agree on: a distinct label and a colour per attack (its colour in its ROC
 * plot, see {@link RocPanels}), the attack with the highest AUC and the sentence that names it (after a warning
 * where the candidates differ in distribution).
 *
 * @param labels the attack's name, made distinct by its inference (and scenario) where names repeat
 * @param best index of the highest finite AUC, or −1 where there is none
 * @param leaks whether the best AUC's 95% interval lies above 0.5
 */
record Ranking(List<String> labels, List<String> colors, RocPanels panels, int best, boolean leaks,
        String headline) {

    static Ranking of(List<AttackOutcome> attacks) {
        return of(attacks, null);
    }

    /** The ranking, its headline opened by the distribution check's warning where the candidates differ. */
    static Ranking of(List<AttackOutcome> attacks, DistributionCheck check) {
        List<String> labels = distinctLabels(attacks);
        RocPanels panels = RocPanels.of(attacks);
        int best = -1;
        for (int i = 0; i < attacks.size(); i++) {
            double auc = attacks.get(i).metrics().auc();
            if (Double.isFinite(auc) && (best < 0 || auc > attacks.get(best).metrics().auc())) {
                best = i;
            }
        }
        boolean leaks = best >= 0 && attacks.get(best).metrics().aucCi().low() > 0.5;
        return new Ranking(List.copyOf(labels), panels.colors(), panels, best, leaks,
                DistributionNote.warning(check) + headline(attacks, labels, best, leaks));
    }

    private static String headline(List<AttackOutcome> attacks, List<String> labels, int best, boolean leaks) {
        if (attacks.isEmpty()) {
            return "No attack was run.";
        }
        if (best < 0) {
            return "No attack produced an AUC.";
        }
        MembershipMetrics m = attacks.get(best).metrics();
        String figures = "AUC " + Fmt.dec(m.auc()) + " " + Fmt.ci(m.aucCi(), false) + ", " + (m.resolves(
                MembershipMetrics.FPR_1PCT) ? "TPR " + Fmt.pct(m.tprAt1PctFpr()) + " at 1% FPR"
                : "TPR at 1% FPR " + MembershipMetrics.unresolvable(MembershipMetrics.FPR_1PCT, m.nonMembers()));
        if (!leaks) {
            return "No attack is distinguishable from random guessing; the strongest, " + labels.get(best) + ", has "
                    + figures + ".";
        }
        return labels.get(best) + " leaks most: " + figures + ".";
    }

    private static List<String> distinctLabels(List<AttackOutcome> attacks) {
        List<Function<AttackOutcome, String>> levels = List.of(AttackOutcome::name,
                a -> a.name() + " · " + a.inference(),
                a -> a.name() + " · " + a.scenario() + " · " + a.inference());
        List<String> labels = new ArrayList<>();
        for (AttackOutcome a : attacks) {
            String label = "";
            for (Function<AttackOutcome, String> level : levels) {
                label = level.apply(a);
                String l = label;
                if (attacks.stream().filter(b -> level.apply(b).equals(l)).count() == 1) {
                    break;
                }
            }
            labels.add(label);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            if (!seen.add(labels.get(i))) {
                labels.set(i, labels.get(i) + " #" + (i + 1));
            }
        }
        return labels;
    }
}
