package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.diffleak.core.io.ImageGrid;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.shift.DistributionCheck;

/** index.html: one self-contained page (inline CSS, SVG plots, PNG data URIs; no scripts, no links out). */
final class HtmlPage {

    private HtmlPage() {}

    /** @param recommendation the recommended-ε box's HTML, placed after the privacy table ("" for none) */
    static String render(AuditReport r, Ranking k, String recommendation) {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(r.title())).append("</title>\n<style>\n").append(Stylesheet.CSS)
                .append("</style>\n</head>\n<body>\n<main>\n<header>\n<p class=\"kicker\">DiffLeak privacy audit</p>\n")
                .append("<h1>").append(esc(r.title())).append("</h1>\n");
        computedOn(b, r.computedOn());
        b.append("</header>\n");
        headline(b, r, k);
        context(b, r);
        if (!r.attacks().isEmpty()) {
            attacks(b, r, k);
            histograms(b, r, k);
        }
        shadowScaling(b, r);
        galleries(b, r);
        privacy(b, r);
        b.append(recommendation);
        ablations(b, r, k);
        sections(b, r);
        run(b, r);
        b.append("<footer>Raw scores: <a href=\"").append(ReportWriter.SCORES).append("\">")
                .append(ReportWriter.SCORES).append("</a> · every figure: <a href=\"").append(ReportWriter.RESULTS)
                .append("\">").append(ReportWriter.RESULTS).append("</a> · made by DiffLeak</footer>\n")
                .append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    /** One line under the title: the engine path and host the numbers come from. */
    private static void computedOn(StringBuilder b, List<Fact> facts) {
        if (facts.isEmpty()) {
            return;
        }
        b.append("<p class=\"computed-on\">Computed on ");
        for (int i = 0; i < facts.size(); i++) {
            b.append(i == 0 ? "" : " · ").append(esc(facts.get(i).key())).append(": <b>")
                    .append(esc(facts.get(i).value())).append("</b>");
        }
        b.append("</p>\n");
    }

    private static void headline(StringBuilder b, AuditReport r, Ranking k) {
        b.append("<section class=\"headline").append(inflated(r) != null ? " shift" : k.leaks() ? " leak" : "")
                .append("\">\n<p class=\"headline-text\">").append(esc(k.headline())).append("</p>\n");
        if (k.best() >= 0) {
            MembershipMetrics m = r.attacks().get(k.best()).metrics();
            b.append("<div class=\"kpis\">\n");
            kpi(b, "AUC", Fmt.dec(m.auc()), Fmt.ci(m.aucCi(), false), "random guess 0.500");
            kpi(b, "TPR at 1% FPR", Fmt.tpr(m, MembershipMetrics.FPR_1PCT), Fmt.tprCi(m, MembershipMetrics.FPR_1PCT),
                    "random guess 1%");
            kpi(b, "TPR at 0.1% FPR", Fmt.tpr(m, MembershipMetrics.FPR_01PCT),
                    Fmt.tprCi(m, MembershipMetrics.FPR_01PCT), "random guess 0.1%");
            kpi(b, "balanced accuracy", Fmt.dec(m.balancedAccuracy()), Fmt.ci(m.balancedAccuracyCi(), false),
                    "random guess 0.500");
            kpi(b, "candidates", m.members() + " / " + m.nonMembers(), "members / non-members",
                    r.attacks().size() + (r.attacks().size() == 1 ? " attack" : " attacks") + " run");
            b.append("</div>\n");
        }
        String line = DistributionNote.line(r.distributionCheck());
        if (!line.isEmpty()) {
            b.append("<p class=\"note distribution\">").append(esc(line)).append("</p>\n");
        }
        b.append("</section>\n");
    }

    /** The blind check on the attacked candidates where it found them to differ in distribution, else null. */
    private static DistributionCheck inflated(AuditReport r) {
        DistributionCheck c = r.distributionCheck();
        if (c == null || !c.ran() || !c.attacksInflated()) {
            return null;
        }
        return c.matched() != null ? c.matched().recheck() : c;
    }

    private static void kpi(StringBuilder b, String key, String value, String interval, String reference) {
        b.append("<div class=\"kpi\"><div class=\"k\">").append(esc(key)).append("</div><div class=\"v\">")
                .append(esc(value)).append("</div><div class=\"r\">").append(esc(interval)).append("<br>")
                .append(esc(reference)).append("</div></div>\n");
    }

    private static void context(StringBuilder b, AuditReport r) {
        b.append("<section class=\"context\">\n<div>\n<h2>Scenario</h2>\n");
        paragraphs(b, r.scenario());
        b.append("</div>\n<div>\n<h2>Threat model</h2>\n");
        paragraphs(b, r.threatModel());
        b.append("</div>\n<div>\n<h2>Target: ").append(esc(r.target().name())).append("</h2>\n");
        facts(b, r.target().facts());
        b.append("</div>\n</section>\n");
    }

    private static void paragraphs(StringBuilder b, String text) {
        for (String p : text.strip().split("\\n\\s*\\n")) {
            if (!p.isBlank()) {
                b.append("<p>").append(esc(p.strip()).replace("\n", "<br>\n")).append("</p>\n");
            }
        }
    }

    private static void facts(StringBuilder b, List<Fact> facts) {
        if (facts.isEmpty()) {
            b.append("<p class=\"note\">None given.</p>\n");
            return;
        }
        b.append("<table class=\"facts\">\n");
        for (Fact f : facts) {
            b.append("<tr><td>").append(esc(f.key())).append("</td><td>").append(esc(f.value()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void attacks(StringBuilder b, AuditReport r, Ranking k) {
        List<AttackOutcome> attacks = r.attacks();
        DistributionCheck blind = inflated(r);
        boolean sameCounts = attacks.stream().map(a -> a.metrics().members() + "/" + a.metrics().nonMembers())
                .distinct().count() == 1;
        b.append("<section id=\"attacks\">\n<h2>Which attack leaks most</h2>\n<div class=\"table-wrap\">\n")
                .append("<table class=\"metrics\">\n<thead><tr><th>attack</th><th>scenario</th><th>access</th>")
                .append("<th>inference</th><th class=\"num\">AUC<br>[95% CI]</th>")
                .append(blind != null ? "<th class=\"num\">blind AUC<br>(no model)</th>" : "")
                .append("<th class=\"num\">TPR at 1% FPR<br>[95% CI]</th><th class=\"num\">TPR at<br>0.1% FPR</th>")
                .append("<th class=\"num\">balanced accuracy<br>[95% CI]</th>")
                .append("<th class=\"num\">shadow-threshold<br>balanced accuracy</th>")
                .append(sameCounts ? "" : "<th class=\"num\">members /<br>non-members</th>")
                .append("</tr></thead>\n<tbody>\n");
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < attacks.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> {
            double auc = attacks.get(i).metrics().auc();
            return Double.isNaN(auc) ? Double.NEGATIVE_INFINITY : auc;
        }).reversed());
        for (int i : order) {
            AttackOutcome a = attacks.get(i);
            MembershipMetrics m = a.metrics();
            Double shadow = a.shadowThresholdBalancedAccuracy();
            b.append(i == k.best() ? "<tr class=\"best\">" : "<tr>").append("<td><div class=\"name\">")
                    .append("<span class=\"swatch\" style=\"background:").append(k.colors().get(i))
                    .append("\"></span>").append(esc(k.labels().get(i)))
                    .append(i == k.best() && k.leaks() ? "<span class=\"badge\">leaks most</span>" : "")
                    .append("</div></td><td class=\"tag\">").append(esc(a.scenario())).append("</td><td class=\"tag\">")
                    .append(esc(a.access())).append("</td><td class=\"tag\">").append(esc(a.inference()))
                    .append("</td>");
            cell(b, Fmt.dec(m.auc()), Fmt.ci(m.aucCi(), false));
            if (blind != null) {
                cell(b, Fmt.dec(blind.auc()), Fmt.ci(blind.aucCi(), false));
            }
            tprCell(b, m, MembershipMetrics.FPR_1PCT, true);
            tprCell(b, m, MembershipMetrics.FPR_01PCT, false);
            cell(b, Fmt.dec(m.balancedAccuracy()), Fmt.ci(m.balancedAccuracyCi(), false));
            cell(b, shadow == null ? Fmt.MISSING : Fmt.dec(shadow), "");
            if (!sameCounts) {
                cell(b, m.members() + " / " + m.nonMembers(), "");
            }
            b.append("</tr>\n");
        }
        MembershipMetrics first = attacks.get(0).metrics();
        b.append("</tbody>\n</table>\n</div>\n<p class=\"note\">Sorted by AUC")
                .append(sameCounts ? "; every attack scored " + first.members() + " members and "
                        + first.nonMembers() + " non-members" : "")
                .append(". Random guessing scores AUC 0.5, TPR 1% at 1% FPR, 0.1% at 0.1% FPR, balanced accuracy")
                .append(" 0.5. Intervals: stratified bootstrap, 95%. TPR at x% FPR is read at the largest exact ROC")
                .append(" point with FPR ≤ x% (no interpolation), and only where the non-members number at least")
                .append(" 1/x: with fewer, the smallest non-zero FPR exceeds x, so the figure would be the TPR at zero")
                .append(" false positives for every x. Balanced accuracy is that of the best threshold on")
                .append(" the target's own labels, an upper bound; the shadow-threshold column applies the decision")
                .append(" fitted on shadow models.")
                .append(blind != null ? " Blind AUC: the classifier of the distribution check, which never queries the"
                        + " model, on the same candidates; an attack scoring no higher may read the data's difference"
                        + " alone." : "")
                .append("</p>\n");
        int nonMembers = attacks.stream().mapToInt(a -> a.metrics().nonMembers()).max().orElse(1);
        b.append("<h3>ROC curves</h3>\n<p class=\"note\">One pair of plots per kind of attack, each curve its own")
                .append(" colour. The log-log plots start at FPR 1/").append(nonMembers)
                .append(", the smallest non-zero rate ").append(nonMembers)
                .append(" non-members can give; zero rates sit on the axes.</p>\n");
        for (RocPanels.Panel panel : k.panels().panels()) {
            b.append("<div class=\"plots\">\n").append(Plots.roc(attacks, k, panel))
                    .append(Plots.rocLog(attacks, k, panel)).append("</div>\n");
        }
        b.append("</section>\n");
    }

    /** A TPR at fpr (with its interval when asked), or "not resolvable" and why, wrapped to a narrow column. */
    private static void tprCell(StringBuilder b, MembershipMetrics m, double fpr, boolean interval) {
        if (m.resolves(fpr)) {
            cell(b, Fmt.tpr(m, fpr), interval ? Fmt.tprCi(m, fpr) : "");
        } else {
            b.append("<td class=\"num\">").append(esc(Fmt.tpr(m, fpr))).append("<br><span class=\"ci na\">")
                    .append(esc(Fmt.tprCi(m, fpr))).append("</span></td>");
        }
    }

    private static void cell(StringBuilder b, String value, String interval) {
        b.append("<td class=\"num\">").append(esc(value));
        if (!interval.isEmpty()) {
            b.append("<br><span class=\"ci\">").append(esc(interval)).append("</span>");
        }
        b.append("</td>");
    }

    private static void histograms(StringBuilder b, AuditReport r, Ranking k) {
        b.append("<section id=\"scores\">\n<h2>Score distributions</h2>\n<p class=\"note\">Members against")
                .append(" non-members per attack, each normalised to its own count; the further apart, the more")
                .append(" the attack separates them. The x axis spans the 0.5–99.5th percentile of the scores;")
                .append(" scores beyond it count in the end bins.</p>\n<div class=\"plots\">\n");
        for (int i = 0; i < r.attacks().size(); i++) {
            b.append(Plots.histogram(r.attacks().get(i), k.labels().get(i)));
        }
        b.append("</div>\n</section>\n");
    }

    private static void galleries(StringBuilder b, AuditReport r) {
        if (r.galleries().isEmpty()) {
            return;
        }
        b.append("<section id=\"images\">\n<h2>Which images leak</h2>\n");
        for (ImageGallery g : r.galleries()) {
            b.append("<div class=\"gallery\">\n<h3>").append(esc(g.title())).append("</h3>\n<p class=\"note\">")
                    .append(esc(g.caption())).append("</p>\n");
            if (g.n() == 0) {
                b.append("<p class=\"note\">No images.</p>\n</div>\n");
                continue;
            }
            int scale = Math.max(1, (int) Math.round(96.0 / Math.max(g.width(), g.height())));
            b.append("<div class=\"tiles\" style=\"grid-template-columns:repeat(").append(Math.min(g.columns(), g.n()))
                    .append(", ").append(g.width() * scale + 16).append("px)\">\n");
            int size = g.channels() * g.height() * g.width();
            for (int i = 0; i < g.n(); i++) {
                float[] one = new float[size];
                System.arraycopy(g.pixels(), i * size, one, 0, size);
                String label = g.labels().isEmpty() ? "" : g.labels().get(i);
                b.append("<figure class=\"tile\"><img alt=\"").append(esc(label)).append("\" width=\"")
                        .append(g.width() * scale).append("\" height=\"").append(g.height() * scale)
                        .append("\" src=\"")
                        .append(PngDataUri.of(ImageGrid.render(one, 1, g.channels(), g.height(), g.width(), 1, 0)))
                        .append("\">");
                if (!label.isEmpty()) {
                    b.append("<figcaption>").append(esc(label)).append("</figcaption>");
                }
                b.append("</figure>\n");
            }
            b.append("</div>\n</div>\n");
        }
        b.append("</section>\n");
    }

    private static void privacy(StringBuilder b, AuditReport r) {
        if (r.privacy().isEmpty()) {
            return;
        }
        b.append("<section id=\"privacy\">\n<h2>Privacy: the proven bound beside the audited one</h2>\n")
                .append("<div class=\"table-wrap\">\n<table class=\"metrics\">\n<thead><tr><th>target</th>")
                .append("<th class=\"num\">DP-SGD σ</th><th class=\"num\">ε proven<br>(accountant, upper bound)</th>")
                .append("<th class=\"num\">ε audited<br>(canaries, lower bound)</th><th>canary audit</th>")
                .append("<th>strongest attack</th><th class=\"num\">AUC</th><th class=\"num\">TPR at 1% FPR</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (PrivacyRow row : r.privacy()) {
            PrivacyRow.Accounted a = row.accounted();
            PrivacyRow.Audited c = row.audited();
            b.append(row.violated() ? "<tr class=\"best\">" : "<tr>").append("<td>").append(esc(row.setting()))
                    .append(row.violated() ? "<span class=\"badge\">audit exceeds the bound</span>" : "")
                    .append("</td>");
            cell(b, a == null ? Fmt.MISSING : String.format(Locale.ROOT, "%.3f", a.noiseMultiplier()), "");
            cell(b, a == null ? "∞" : Fmt.dec(a.epsilon()), a == null ? "not private"
                    : String.format(Locale.ROOT, "δ = %g, C = %g, q = %.3g, %d steps", a.delta(), a.clip(),
                            a.sampleRate(), a.steps()));
            cell(b, c == null ? Fmt.MISSING : Fmt.dec(c.epsilon()), "");
            b.append("<td>").append(c == null ? "no canaries" : esc(String.format(Locale.ROOT,
                    "%d of %d canaries inserted; %d guesses, %d right, by %s", c.inserted(), c.canaries(),
                    c.guesses(), c.correct(), c.attack()))).append("</td><td>")
                    .append(row.bestAttack() == null ? Fmt.MISSING : esc(row.bestAttack())).append("</td>");
            cell(b, Fmt.dec(row.auc()), "");
            cell(b, Fmt.pct(row.tprAt1PctFpr()), "");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</div>\n<p class=\"note\">The accountant's ε (RDP, Poisson-subsampled")
                .append(" Gaussian) is what DP-SGD proves: no attack on the target can do better. The audited ε is")
                .append(" the largest ε the canary guesses rule out at 95% confidence (one-run audit, Steinke, Nasr")
                .append(" &amp; Jagielski 2023: canaries inserted by fair coins, the highest-scoring guessed in and the")
                .append(" lowest out; Bonferroni over every attack and guess count tried; the test treats the model")
                .append(" as ε-DP, δ left out). An audited bound above the proven one means the training or its")
                .append(" accounting is broken.</p>\n</section>\n");
    }

    private static void sections(StringBuilder b, AuditReport r) {
        for (LinkedSection s : r.sections()) {
            b.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(esc(s.title())).append("</h2>\n")
                    .append("<p>").append(esc(s.description())).append("</p>\n")
                    .append("<div class=\"table-wrap\">\n<table class=\"metrics\">\n<thead><tr>");
            for (String c : s.columns()) {
                b.append("<th>").append(esc(c)).append("</th>");
            }
            b.append("</tr></thead>\n<tbody>\n");
            for (List<String> row : s.rows()) {
                b.append("<tr>");
                for (String cell : row) {
                    b.append("<td>").append(esc(cell)).append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</tbody>\n</table>\n</div>\n<p><a href=\"").append(esc(s.href()))
                    .append("\">The full report: plots, image panels and per-image numbers</a></p>\n</section>\n");
        }
    }

    /**
     * The calibrated attacks' TPR by number of shadows: one plot per method, one line per signal, and the figures
     * with their intervals in a table.
     */
    private static void shadowScaling(StringBuilder b, AuditReport r) {
        ShadowScaling sc = r.shadowScaling();
        if (sc == null) {
            return;
        }
        String rate = Fmt.fpr(sc.fpr());
        b.append("<section id=\"shadow-scaling\">\n<h2>Calibrated attacks by number of shadows</h2>\n")
                .append("<p class=\"note\">TPR at ").append(rate).append(" FPR when each attack is calibrated on its")
                .append(" first k shadow models, with 95% bootstrap intervals. More shadows sharpen the per-image")
                .append(" calibration.</p>\n<div class=\"plots\">\n");
        List<String> methods = new ArrayList<>();
        for (ShadowScaling.Line l : sc.lines()) {
            String method = l.attack().substring(l.attack().lastIndexOf(" · ") + 3);
            if (!methods.contains(method)) {
                methods.add(method);
            }
        }
        for (String method : methods) {
            b.append(Plots.shadowScaling(sc, method, sc.lines().stream()
                    .filter(l -> l.attack().endsWith(" · " + method)).toList()));
        }
        b.append("</div>\n<div class=\"table-wrap\">\n<table class=\"metrics\">\n<thead><tr><th>attack</th>");
        for (int k : sc.shadows()) {
            b.append("<th class=\"num\">").append(k).append(" shadows</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (ShadowScaling.Line l : sc.lines()) {
            b.append("<tr><td>").append(esc(l.attack())).append("</td>");
            for (int i = 0; i < l.tpr().length; i++) {
                b.append("<td class=\"num\">").append(Fmt.pct(l.tpr()[i])).append("<br><span class=\"ci\">")
                        .append(Fmt.ci(new MembershipMetrics.Interval(l.low()[i], l.high()[i]), true))
                        .append("</span></td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void ablations(StringBuilder b, AuditReport r, Ranking k) {
        if (r.ablations().isEmpty()) {
            return;
        }
        b.append("<section id=\"ablations\">\n<h2>Ablations</h2>\n");
        for (Ablation ab : r.ablations()) {
            b.append("<h3>").append(esc(ab.parameter())).append("</h3>\n");
            if (!ab.unaffected().isEmpty()) {
                b.append("<p class=\"note\">Not drawn: ").append(esc(String.join(", ", ab.unaffected())))
                        .append(" (their scores are the same at every value of ").append(esc(ab.parameter()))
                        .append(").</p>\n");
            }
            boolean tpr = ab.series().stream().flatMapToDouble(s -> Arrays.stream(s.tprAt1PctFpr()))
                    .anyMatch(Double::isFinite);
            if (!tpr && !ab.series().isEmpty()) {
                b.append("<p class=\"note\">TPR at 1% FPR is not resolvable at any value: too few non-members")
                        .append(" (fewer than 100).</p>\n");
            }
            for (List<Ablation.Series> part : Plots.ablationParts(ab)) {
                b.append("<div class=\"plots\">\n").append(Plots.ablation(ab, true, part))
                        .append(tpr ? Plots.ablation(ab, false, part) : "").append("</div>\n");
            }
        }
        b.append("</section>\n");
    }

    private static void run(StringBuilder b, AuditReport r) {
        if (r.settings().isEmpty() && r.timings().isEmpty()) {
            return;
        }
        b.append("<section id=\"run\" class=\"pair\">\n<div>\n<h2>Settings</h2>\n");
        facts(b, r.settings());
        b.append("</div>\n<div>\n<h2>Timing</h2>\n");
        if (r.timings().isEmpty()) {
            b.append("<p class=\"note\">Not recorded.</p>\n");
        } else {
            double total = r.timings().stream().mapToDouble(AuditReport.Timing::seconds)
                    .filter(Double::isFinite).sum();
            b.append("<table class=\"timing\">\n<thead><tr><th>stage</th><th class=\"num\">wall-clock</th>")
                    .append("<th class=\"num\">share</th></tr></thead>\n<tbody>\n");
            for (AuditReport.Timing t : r.timings()) {
                b.append("<tr><td>").append(esc(t.stage())).append("</td><td class=\"num\">")
                        .append(Fmt.seconds(t.seconds())).append("</td><td class=\"num\">")
                        .append(total > 0 && Double.isFinite(t.seconds()) ? Fmt.pct(t.seconds() / total) : Fmt.MISSING)
                        .append("</td></tr>\n");
            }
            b.append("<tr><td><b>total</b></td><td class=\"num\"><b>").append(Fmt.seconds(total))
                    .append("</b></td><td></td></tr>\n</tbody>\n</table>\n");
        }
        b.append("</div>\n</section>\n");
    }
}
