package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.ImageGrid;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.PropertyResults.Row;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.util.Json;

/**
 * The property study's directory, written atomically: results.json (every number in the page) and a
 * self-contained index.html: true vs estimated share per estimator and setting with 95% bootstrap error
 * bars, the utility-vs-protection plot (attacker error against Fréchet distance), the table, and sample
 * grids per setting.
 */
public final class PropertyReportWriter {

    public static final String HTML = "index.html";
    public static final String RESULTS = "results.json";

    private static final List<String> SETTINGS = List.of(PropertyResults.UNDEFENDED, PropertyResults.PRIVATE,
            PropertyResults.DP);
    private static final String[] COLORS = {"#0072b2", "#d55e00", "#009e73"};
    private static final String DIAGONAL = "#868e96";

    private PropertyReportWriter() {}

    /**
     * The audit page's section from a written results.json: per release (undefended target, private sampler, DP
     * model) the true share, the attacker's two estimates and the Fréchet distance, linking to the full report.
     */
    public static LinkedSection section(Path resultsJson, String href) {
        JsonNode root = Json.read(resultsJson, JsonNode.class);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : root.path("rows")) {
            rows.add(List.of(r.path("label").asText(), share(r.path("true_share")),
                    share(r.path("classifier_count").path("estimate")), share(r.path("shadow_regression").path("estimate")),
                    String.format(Locale.ROOT, "%.2f", r.path("frechet_distance").asDouble())));
        }
        return new LinkedSection("property", "Property inference from synthetic samples",
                "From synthetic samples alone, the attacker estimates the share of the property \""
                        + root.path("property").asText() + "\" in each model's private training set; the private"
                        + " sampler and DP-SGD are the defenses. Fréchet distance on the project's own encoder"
                        + " features, not Inception-FID.",
                href, List.of("release", "true share", "classifier-count estimate", "shadow-regression estimate",
                        "Fréchet distance"), rows);
    }

    private static String share(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.3f", v.asDouble()) : "—";
    }

    public static void write(PropertyResults r, Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve(RESULTS), Json.toJson(json(r)), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(HTML), html(r), StandardCharsets.UTF_8);
        });
    }

    static Map<String, Object> json(PropertyResults r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("property", r.property());
        root.put("settings", r.settings());
        root.put("attacker_classifier", Map.of("tpr", r.attackerTpr(), "fpr", r.attackerFpr()));
        root.put("judge_accuracy", r.judgeAccuracy());
        root.put("frechet_note", "Fréchet distance between features of the project's own CNN encoder, not Inception FID");
        root.put("mean_absolute_error", meanAbsoluteErrors(r.rows().stream().map(Row::setting).toList(),
                r::meanAbsoluteError));
        root.put("seconds", r.seconds());
        List<Object> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = release(row.setting(), row.label(), row.trueShare(), row.epsilon());
            m.put("judge_share", row.judgeShare());
            m.put("classifier_count", estimate(row.classifierCount(), row.trueShare()));
            m.put("shadow_regression", estimate(row.shadow(), row.trueShare()));
            m.put("frechet_distance", row.frechet());
            m.put("frechet_distance_matched_share", row.frechetMatched());
            m.put("classifier_confidence", row.confidence());
            if (!Double.isNaN(row.targetHitRate())) {
                m.put("assigned_value_reached", row.targetHitRate());
            }
            m.put("draws_per_sample", row.drawsPerSample());
            rows.add(m);
        }
        root.put("rows", rows);
        return root;
    }

    /** The fields that open a release's entry in results.json; ε = +∞ is written "inf". */
    static Map<String, Object> release(String setting, String label, double trueShare, double epsilon) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("setting", setting);
        m.put("label", label);
        m.put("true_share", trueShare);
        m.put("epsilon", Double.isInfinite(epsilon) ? "inf" : epsilon);
        return m;
    }

    /** Per setting present in rowSettings, in report order: both estimators' mean absolute errors. */
    static Map<String, Object> meanAbsoluteErrors(List<String> rowSettings,
            java.util.function.BiFunction<String, Boolean, Double> mae) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String s : SETTINGS) {
            if (rowSettings.contains(s)) {
                out.put(s, Map.of("classifier_count", mae.apply(s, false), "shadow_regression", mae.apply(s, true)));
            }
        }
        return out;
    }

    static Map<String, Object> estimate(ShareEstimate e, double truth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("raw", e.raw());
        m.put("estimate", e.share());
        m.put("ci95", List.of(e.lower(), e.upper()));
        m.put("abs_error", e.error(truth));
        return m;
    }

    static String html(PropertyResults r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>DiffLeak property ")
                .append("inference: ").append(esc(r.property())).append("</title>\n<style>\n").append(Stylesheet.CSS)
                .append("</style>\n</head>\n<body>\n<main class=\"study property\">\n<h1>Property inference: share of ")
                .append(esc(r.property())).append(" in the training set</h1>\n");
        summary(b, r);
        b.append("<section>\n<h2>True vs estimated share</h2>\n<div class=\"plots\">\n")
                .append(sharePlot(r, false)).append(sharePlot(r, true)).append(tradeOffPlot(r))
                .append("</div>\n<p class=\"note\">Error bars: 95% percentile-bootstrap intervals. Dashed: the")
                .append(" diagonal (a perfect attacker) and the private sampler's p*. Fréchet distance between")
                .append(" features of the project's own CNN encoder on samples and on held-out real images (it is")
                .append(" not Inception FID); 'matched share' compares with held-out real images at the release's")
                .append(" intended share (p, or p* for the private sampler), so a changed class mix alone does not")
                .append(" count as lost utility.</p>\n</section>\n");
        table(b, r);
        grids(b, r);
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, PropertyResults r) {
        b.append("<section>\n<h2>Summary</h2>\n<p>Attacker's property classifier on held-out labelled images: TPR ")
                .append(Fmt.dec(r.attackerTpr())).append(", FPR ").append(Fmt.dec(r.attackerFpr()))
                .append(". Held-out judge accuracy on real images: ").append(Fmt.dec(r.judgeAccuracy()))
                .append(". Study time: ").append(esc(Fmt.seconds(r.seconds()))).append(".</p>\n<table>\n<thead><tr>")
                .append("<th>setting</th><th>models</th><th>MAE classifier count</th><th>MAE shadow regression</th>")
                .append("<th>mean Fréchet distance</th><th>mean Fréchet, matched share</th></tr></thead>\n<tbody>\n");
        for (String s : SETTINGS) {
            List<Row> rows = r.rows().stream().filter(x -> x.setting().equals(s)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            b.append("<tr><td>").append(esc(s)).append("</td><td>").append(rows.size()).append("</td><td>")
                    .append(Fmt.dec(r.meanAbsoluteError(s, false))).append("</td><td>")
                    .append(Fmt.dec(r.meanAbsoluteError(s, true))).append("</td><td>")
                    .append(Fmt.dec(rows.stream().mapToDouble(Row::frechet).average().orElse(Double.NaN)))
                    .append("</td><td>")
                    .append(Fmt.dec(rows.stream().mapToDouble(Row::frechetMatched).average().orElse(Double.NaN)))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    /** One estimate on the share plot: its setting (colour), the true share and the estimate. */
    record SharePoint(String setting, double truth, ShareEstimate estimate) {}

    /** One release on the utility-vs-protection plot: attacker error and a utility figure. */
    record TradePoint(String setting, String label, double error, double utility) {}

    private static String sharePlot(PropertyResults r, boolean shadow) {
        return sharePlot((shadow ? "Shadow regression" : "Classifier count") + ": estimate vs truth",
                r.rows().stream().map(x -> new SharePoint(x.setting(), x.trueShare(), shadow ? x.shadow()
                        : x.classifierCount())).toList(), r.settings().get("private_share"));
    }

    /** True vs estimated share with 95% error bars per setting, the diagonal and p* (when a number). */
    static String sharePlot(String title, List<SharePoint> points, Object pStar) {
        SvgPlot p = new SvgPlot("share", title, 360, 260, SvgPlot.Axis.linear("true share p", 0, 1),
                SvgPlot.Axis.linear("estimated share", 0, 1));
        p.line(new double[] {0, 1}, new double[] {0, 1}, DIAGONAL, "bound", "diagonal", false);
        if (pStar instanceof Number n) {
            p.line(new double[] {0, 1}, new double[] {n.doubleValue(), n.doubleValue()}, COLORS[1], "bound", "p*", false);
        }
        List<SvgPlot.Legend> legend = new ArrayList<>();
        for (int s = 0; s < SETTINGS.size(); s++) {
            String setting = SETTINGS.get(s);
            List<SharePoint> rows = points.stream().filter(x -> x.setting().equals(setting)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            double offset = (s - 1) * 0.012;
            for (SharePoint row : rows) {
                ShareEstimate e = row.estimate();
                double x = row.truth() + offset;
                p.line(new double[] {x, x}, new double[] {e.lower(), e.upper()}, COLORS[s], "curve", setting, false);
                p.line(new double[] {x}, new double[] {e.share()}, COLORS[s], "curve", setting, true);
            }
            legend.add(new SvgPlot.Legend(setting, COLORS[s], false));
        }
        return p.legend(legend).render();
    }

    private static String tradeOffPlot(PropertyResults r) {
        return tradeOffPlot("Utility vs protection (classifier count)", "Fréchet distance, matched share", r.rows()
                .stream().map(x -> new TradePoint(x.setting(), x.label(), x.classifierCount().error(x.trueShare()),
                        x.frechetMatched())).toList());
    }

    /** Attacker error against a utility figure, one marker per release, coloured by setting. */
    static String tradeOffPlot(String title, String utility, List<TradePoint> points) {
        double maxErr = 0.1;
        double maxU = 0;
        for (TradePoint t : points) {
            maxErr = Math.max(maxErr, t.error());
            maxU = Math.max(maxU, t.utility());
        }
        SvgPlot p = new SvgPlot("tradeoff", title, 360, 260, SvgPlot.Axis.linearNice("attacker error |p̂ − p|", 0, maxErr),
                SvgPlot.Axis.linearNice(utility, 0, maxU));
        List<SvgPlot.Legend> legend = new ArrayList<>();
        for (int s = 0; s < SETTINGS.size(); s++) {
            String setting = SETTINGS.get(s);
            List<TradePoint> rows = points.stream().filter(x -> x.setting().equals(setting)).toList();
            for (TradePoint t : rows) {
                p.line(new double[] {t.error()}, new double[] {t.utility()}, COLORS[s], "curve", setting + " " + t.label(),
                        true);
            }
            if (!rows.isEmpty()) {
                legend.add(new SvgPlot.Legend(setting, COLORS[s], false));
            }
        }
        return p.legend(legend).render();
    }

    private static void table(StringBuilder b, PropertyResults r) {
        b.append("<section>\n<h2>Every release</h2>\n<table>\n<thead><tr><th>setting</th><th>model</th>")
                .append("<th>true p</th><th>judge share</th><th>classifier count [95% CI]</th>")
                .append("<th>shadow regression [95% CI]</th><th>Fréchet</th><th>Fréchet, matched share</th>")
                .append("<th>confidence</th>")
                .append("<th>assigned value reached</th><th>draws per sample</th></tr></thead>\n<tbody>\n");
        for (Row row : r.rows()) {
            b.append("<tr><td>").append(esc(row.setting())).append("</td><td>").append(esc(row.label()))
                    .append("</td><td>").append(Fmt.dec(row.trueShare())).append("</td><td>")
                    .append(Fmt.dec(row.judgeShare())).append("</td><td>").append(est(row.classifierCount()))
                    .append("</td><td>").append(est(row.shadow())).append("</td><td>").append(Fmt.dec(row.frechet()))
                    .append("</td><td>").append(Fmt.dec(row.frechetMatched()))
                    .append("</td><td>").append(Fmt.dec(row.confidence())).append("</td><td>")
                    .append(Double.isNaN(row.targetHitRate()) ? Fmt.MISSING : Fmt.dec(row.targetHitRate()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", row.drawsPerSample()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    static String est(ShareEstimate e) {
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", e.share(), e.lower(), e.upper());
    }

    private static void grids(StringBuilder b, PropertyResults r) {
        b.append("<section>\n<h2>Samples per setting</h2>\n");
        for (Row row : r.rows()) {
            if (row.gridCount() == 0) {
                continue;
            }
            var img = ImageGrid.render(row.grid(), row.gridCount(), r.channels(), r.side(), r.side(), 8, 1);
            b.append("<figure><img alt=\"samples\" width=\"").append(img.getWidth() * 2).append("\" src=\"")
                    .append(PngDataUri.of(img)).append("\"><figcaption>").append(esc(row.setting())).append(", ")
                    .append(esc(row.label())).append("</figcaption></figure>\n");
        }
        b.append("</section>\n");
    }
}
