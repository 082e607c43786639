package org.diffleak.core.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.MembershipMetrics.Interval;
import org.diffleak.core.shift.BlindBaseline;
import org.diffleak.core.shift.DistributionCheck;
import org.diffleak.core.util.Json;

/** results.json: every figure of the page under snake_case keys (timing in seconds); a NaN is written as null. */
final class ResultsJson {

    private ResultsJson() {}

    static ObjectNode of(AuditReport r, Ranking k) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("title", r.title());
        root.put("scenario", r.scenario());
        root.put("threat_model", r.threatModel());
        facts(root.putObject("computed_on"), r.computedOn());
        ObjectNode headline = root.putObject("headline");
        headline.put("text", k.headline());
        if (k.best() >= 0) {
            headline.put("attack", r.attacks().get(k.best()).name());
            headline.put("attack_label", k.labels().get(k.best()));
            headline.put("attack_index", k.best());
        }
        headline.put("auc_interval_above_chance", k.leaks());
        DistributionCheck check = r.distributionCheck();
        if (check != null) {
            headline.put("inflated_by_distribution_shift", check.ran() && check.attacksInflated());
            distribution(root.putObject("distribution_check"), check);
        }
        ObjectNode target = root.putObject("target");
        target.put("name", r.target().name());
        facts(target.putObject("facts"), r.target().facts());
        facts(root.putObject("settings"), r.settings());
        ArrayNode attacks = root.putArray("attacks");
        for (int i = 0; i < r.attacks().size(); i++) {
            AttackOutcome a = r.attacks().get(i);
            MembershipMetrics m = a.metrics();
            ObjectNode o = attacks.addObject();
            o.put("name", a.name());
            o.put("label", k.labels().get(i));
            o.put("scenario", a.scenario());
            o.put("access", a.access());
            o.put("inference", a.inference());
            number(o, "auc", m.auc());
            interval(o, "auc_ci", m.aucCi());
            tpr(o, "tpr_at_1pct_fpr", m, MembershipMetrics.FPR_1PCT, m.tprAt1PctFpr(), m.tprAt1PctFprCi());
            tpr(o, "tpr_at_0_1pct_fpr", m, MembershipMetrics.FPR_01PCT, m.tprAt01PctFpr(), m.tprAt01PctFprCi());
            number(o, "balanced_accuracy", m.balancedAccuracy());
            interval(o, "balanced_accuracy_ci", m.balancedAccuracyCi());
            o.put("members", m.members());
            o.put("non_members", m.nonMembers());
            Double shadow = a.shadowThresholdBalancedAccuracy();
            if (shadow == null) {
                o.putNull("shadow_threshold_balanced_accuracy");
            } else {
                number(o, "shadow_threshold_balanced_accuracy", shadow);
            }
        }
        ArrayNode galleries = root.putArray("galleries");
        for (ImageGallery g : r.galleries()) {
            ObjectNode o = galleries.addObject();
            o.put("title", g.title());
            o.put("caption", g.caption());
            o.put("images", g.n());
            ArrayNode labels = o.putArray("labels");
            g.labels().forEach(labels::add);
        }
        ArrayNode ablations = root.putArray("ablations");
        for (Ablation ab : r.ablations()) {
            ObjectNode o = ablations.addObject();
            o.put("parameter", ab.parameter());
            ArrayNode values = o.putArray("values");
            ab.values().forEach(values::add);
            ArrayNode unaffected = o.putArray("unaffected");
            ab.unaffected().forEach(unaffected::add);
            ArrayNode series = o.putArray("series");
            for (Ablation.Series s : ab.series()) {
                ObjectNode so = series.addObject();
                so.put("attack", s.attack());
                numbers(so.putArray("auc"), s.auc());
                numbers(so.putArray("tpr_at_1pct_fpr"), s.tprAt1PctFpr());
            }
        }
        ShadowScaling sc = r.shadowScaling();
        if (sc != null) {
            ObjectNode o = root.putObject("shadow_scaling");
            number(o, "fpr", sc.fpr());
            ArrayNode shadows = o.putArray("shadows");
            sc.shadows().forEach(shadows::add);
            ArrayNode lines = o.putArray("lines");
            for (ShadowScaling.Line l : sc.lines()) {
                ObjectNode lo = lines.addObject();
                lo.put("attack", l.attack());
                numbers(lo.putArray("tpr"), l.tpr());
                numbers(lo.putArray("tpr_ci_low"), l.low());
                numbers(lo.putArray("tpr_ci_high"), l.high());
            }
        }
        ObjectNode sections = root.putObject("sections");
        for (LinkedSection sec : r.sections()) {
            ObjectNode o = sections.putObject(sec.id());
            o.put("title", sec.title());
            o.put("report", sec.href());
            ArrayNode rows = o.putArray("rows");
            for (List<String> row : sec.rows()) {
                ObjectNode ro = rows.addObject();
                for (int c = 0; c < row.size(); c++) {
                    ro.put(sec.columns().get(c), row.get(c));
                }
            }
        }
        ArrayNode privacy = root.putArray("privacy");
        for (PrivacyRow row : r.privacy()) {
            ObjectNode o = privacy.addObject();
            o.put("setting", row.setting());
            PrivacyRow.Accounted a = row.accounted();
            o.put("private", a != null);
            if (a != null) {
                number(o, "accountant_epsilon", a.epsilon());
                number(o, "delta", a.delta());
                number(o, "noise_multiplier", a.noiseMultiplier());
                number(o, "clip", a.clip());
                number(o, "sample_rate", a.sampleRate());
                o.put("steps", a.steps());
            } else {
                o.putNull("accountant_epsilon");
            }
            PrivacyRow.Audited c = row.audited();
            if (c != null) {
                ObjectNode co = o.putObject("canary_audit");
                number(co, "epsilon_lower_bound", c.epsilon());
                co.put("canaries", c.canaries());
                co.put("inserted", c.inserted());
                co.put("attack", c.attack());
                co.put("guesses", c.guesses());
                co.put("correct", c.correct());
                co.put("bonferroni_tests", c.tests());
            } else {
                o.putNull("canary_audit");
            }
            if (row.bestAttack() != null) {
                o.put("best_attack", row.bestAttack());
            }
            number(o, "auc", row.auc());
            number(o, "tpr_at_1pct_fpr", row.tprAt1PctFpr());
            o.put("bound_violated", row.violated());
            ArrayNode rowAttacks = o.putArray("attacks");
            for (PrivacyRow.AttackTpr t : row.attacks()) {
                ObjectNode to = rowAttacks.addObject();
                to.put("name", t.attack());
                number(to, "tpr_at_1pct_fpr", t.tprAt1PctFpr());
                interval(to, "tpr_at_1pct_fpr_ci", t.tprAt1PctFprCi());
                number(to, "tpr_at_0_1pct_fpr", t.tprAt01PctFpr());
                interval(to, "tpr_at_0_1pct_fpr_ci", t.tprAt01PctFprCi());
            }
        }
        ObjectNode timing = root.putObject("timing");
        for (AuditReport.Timing t : r.timings()) {
            number(timing, t.stage(), t.seconds());
        }
        return root;
    }

    /**
     * The blind baseline: auc, auc_ci, shifted (the rule in "rule"), method, features; where it did not run,
     * skipped true with the reason and null figures; with --match-distribution, what matching kept.
     */
    private static void distribution(ObjectNode o, DistributionCheck c) {
        o.put("skipped", !c.ran());
        if (!c.ran()) {
            o.put("reason", c.skipped());
            o.putNull("auc");
            o.putNull("auc_ci");
            o.putNull("shifted");
        } else {
            number(o, "auc", c.auc());
            interval(o, "auc_ci", c.aucCi());
            o.put("shifted", c.shifted());
        }
        o.put("rule", "shifted when the lower end of auc_ci exceeds " + BlindBaseline.SHIFT_THRESHOLD);
        o.put("method", c.method());
        ArrayNode features = o.putArray("features");
        c.features().forEach(features::add);
        o.put("members", c.members());
        o.put("non_members", c.nonMembers());
        if (c.ran()) {
            number(o, "seconds", c.seconds());
        }
        if (c.matched() != null) {
            DistributionCheck.Matched m = c.matched();
            ObjectNode mo = o.putObject("matched");
            mo.put("members_kept", m.members().length);
            mo.put("non_members_kept", m.nonMembers().length);
            number(mo, "caliper", m.caliper());
            distribution(mo.putObject("recheck"), m.recheck());
        }
    }

    /** A TPR at fpr and its interval, or both null and a reason where the non-members cannot resolve fpr. */
    private static void tpr(ObjectNode o, String key, MembershipMetrics m, double fpr, double v, Interval ci) {
        if (m.resolves(fpr)) {
            number(o, key, v);
            interval(o, key + "_ci", ci);
        } else {
            o.putNull(key);
            o.putNull(key + "_ci");
            o.put(key + "_reason", MembershipMetrics.unresolvable(fpr, m.nonMembers()));
        }
    }

    private static void facts(ObjectNode into, List<Fact> facts) {
        facts.forEach(f -> into.put(f.key(), f.value()));
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    private static void interval(ObjectNode o, String key, Interval i) {
        numbers(o.putArray(key), new double[] {i.low(), i.high()});
    }

    private static void numbers(ArrayNode a, double[] v) {
        for (double x : v) {
            if (Double.isFinite(x)) {
                a.add(x);
            } else {
                a.addNull();
            }
        }
    }
}
