package org.diffleak.core.audit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.privacy.OneRunAudit;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.PrivacyRow;

/**
 * An audit's row of the privacy table: the accountant's ε from the target's card beside the one-run canary
 * audit's lower bound. The canaries are ranked by each signal's threshold feature (the raw gray-box score,
 * the configured similarity of a black-box attack): guesses depend on ranks alone, so no inference model
 * is needed and none fitted on the target's own canaries.
 */
public final class PrivacyAudit {

    /** Overall significance of the canary audit: the bound holds with 95% confidence. */
    public static final double ALPHA = 0.05;

    /** The interval of a TPR the non-members cannot resolve (written as nulls). */
    private static final MembershipMetrics.Interval UNRESOLVED = new MembershipMetrics.Interval(Double.NaN, Double.NaN);

    private PrivacyAudit() {}

    public static PrivacyRow row(AuditSignals s, List<AttackOutcome> outcomes) {
        String setting = setting(s.config().target().dp());
        PrivacySpent p = s.targetPrivacy();
        PrivacyRow.Accounted accounted = p == null ? null : new PrivacyRow.Accounted(p.epsilon(), p.delta(),
                p.noiseMultiplier(), p.clip(), p.sampleRate(), p.steps());
        PrivacyRow.Audited audited = null;
        if (s.canaries() != null) {
            OneRunAudit.Result r = canaryAudit(s);
            boolean[] in = s.canaries().inserted();
            int inserted = 0;
            for (boolean b : in) {
                inserted += b ? 1 : 0;
            }
            audited = new PrivacyRow.Audited(r.epsilon(), in.length, inserted, r.attack(), r.guesses(), r.correct(),
                    r.tests());
        }
        if (outcomes.isEmpty()) {
            return new PrivacyRow(setting, accounted, audited, null, Double.NaN, Double.NaN);
        }
        AttackOutcome best = AuditScoring.best(outcomes);
        List<PrivacyRow.AttackTpr> attacks = new ArrayList<>();
        for (AttackOutcome o : outcomes) {
            MembershipMetrics m = o.metrics();
            boolean at1 = m.resolves(MembershipMetrics.FPR_1PCT);
            boolean at01 = m.resolves(MembershipMetrics.FPR_01PCT);
            attacks.add(new PrivacyRow.AttackTpr(AuditScoring.seriesKey(o), at1 ? m.tprAt1PctFpr() : Double.NaN,
                    at1 ? m.tprAt1PctFprCi() : UNRESOLVED, at01 ? m.tprAt01PctFpr() : Double.NaN,
                    at01 ? m.tprAt01PctFprCi() : UNRESOLVED));
        }
        MembershipMetrics b = best.metrics();
        return new PrivacyRow(setting, accounted, audited, AuditScoring.seriesKey(best), b.auc(),
                b.resolves(MembershipMetrics.FPR_1PCT) ? b.tprAt1PctFpr() : Double.NaN, attacks);
    }

    /** "non-private", or "DP-SGD, target ε = 8" (or "σ = 1.2" where σ was set instead of a target). */
    static String setting(DpSgdConfig dp) {
        if (dp == null) {
            return "non-private";
        }
        return dp.targetEpsilon() > 0 ? "DP-SGD, target ε = " + plain(dp.targetEpsilon())
                : "DP-SGD, σ = " + plain(dp.noiseMultiplier());
    }

    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** {@link OneRunAudit} over every signal's canary scores. */
    static OneRunAudit.Result canaryAudit(AuditSignals s) {
        List<String> names = new ArrayList<>();
        List<double[]> scores = new ArrayList<>();
        for (int i = 0; i < s.signals().size(); i++) {
            Signal sig = s.signals().get(i);
            int col = AuditScoring.thresholdColumn(s.config().attacks().metric(), sig);
            double[][] rows = s.canaries().rows().get(i);
            double[] x = new double[rows.length];
            for (int j = 0; j < rows.length; j++) {
                x[j] = rows[j][col];
            }
            names.add(sig.name() + " · " + sig.scenario()
                    + (sig.featureNames().size() > 1 ? " · " + sig.featureNames().get(col) : ""));
            scores.add(x);
        }
        return OneRunAudit.audit(names, scores, s.canaries().inserted(), ALPHA);
    }
}
