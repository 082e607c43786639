package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.property.TablePropertyResults;
import org.diffleak.core.property.TablePropertyResults.Row;
import org.diffleak.core.report.PropertyReportWriter.SharePoint;
import org.diffleak.core.report.PropertyReportWriter.TradePoint;
import org.diffleak.core.util.Json;

/**
 * The table property study's directory, written atomically: results.json (every number in the page, the
 * same object `diffleak property --table --json` prints) and a self-contained index.html: true vs estimated
 * share per estimator with 95% bootstrap error bars, utility (ML efficacy accuracy) against protection
 * (attacker error), and every release's figures.
 */
public final class TablePropertyReportWriter {

    private TablePropertyReportWriter() {}

    public static void write(TablePropertyResults r, Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve(PropertyReportWriter.RESULTS), Json.toJson(json(r)), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(PropertyReportWriter.HTML), html(r), StandardCharsets.UTF_8);
        });
    }

    /** Every figure of the study: settings, mean absolute errors, the private sampler's distance to p*, rows. */
    public static Map<String, Object> json(TablePropertyResults r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("property", r.property());
        root.put("ml_efficacy_label", Map.of("column", r.label(), "positive", r.positive()));
        root.put("settings", r.settings());
        root.put("mean_absolute_error", PropertyReportWriter.meanAbsoluteErrors(r.rows().stream().map(Row::setting)
                .toList(), r::meanAbsoluteError));
        if (r.settings().get("private_share") instanceof Number p) {
            root.put("private_mean_distance_to_target", r.privateDistance(p.doubleValue()));
        }
        root.put("seconds", r.seconds());
        List<Object> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = PropertyReportWriter.release(row.setting(), row.label(), row.trueShare(),
                    row.epsilon());
            m.put("released_share", row.releasedShare());
            m.put("classifier_count", PropertyReportWriter.estimate(row.classifierCount(), row.trueShare()));
            m.put("shadow_regression", PropertyReportWriter.estimate(row.shadow(), row.trueShare()));
            m.put("fidelity", Map.of("mean_ks", row.meanKs(), "mean_tv", row.meanTv()));
            m.put("ml_efficacy", Map.of("accuracy", row.accuracy(), "f1", row.f1(), "real_accuracy", row.realAccuracy(),
                    "real_f1", row.realF1()));
            m.put("seconds", row.seconds());
            rows.add(m);
        }
        root.put("rows", rows);
        return root;
    }

    static String html(TablePropertyResults r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>DiffLeak property ")
                .append("inference on a table: ").append(esc(r.property())).append("</title>\n<style>\n")
                .append(Stylesheet.CSS).append("</style>\n</head>\n<body>\n<main class=\"study property\">\n<h1>Property inference: ")
                .append("share of ").append(esc(r.property())).append(" in a table model's training rows</h1>\n")
                .append("<section>\n<h2>True vs estimated share</h2>\n<div class=\"plots\">\n")
                .append(PropertyReportWriter.sharePlot("Classifier count (released share): estimate vs truth",
                        r.rows().stream().map(x -> new SharePoint(x.setting(), x.trueShare(), x.classifierCount())).toList(),
                        r.settings().get("private_share")))
                .append(PropertyReportWriter.sharePlot("Shadow regression: estimate vs truth",
                        r.rows().stream().map(x -> new SharePoint(x.setting(), x.trueShare(), x.shadow())).toList(),
                        r.settings().get("private_share")))
                .append(PropertyReportWriter.tradeOffPlot("Utility vs protection (classifier count)",
                        "ML efficacy accuracy", r.rows().stream().map(x -> new TradePoint(x.setting(), x.label(),
                                x.classifierCount().error(x.trueShare()), x.accuracy())).toList()))
                .append("</div>\n<p class=\"note\">Error bars: 95% percentile-bootstrap intervals. Dashed: the diagonal")
                .append(" (a perfect attacker) and the private sampler's p*. The attacker reads the property column of")
                .append(" the released rows, so classifier counting is the released share. ML efficacy: logistic")
                .append(" regression predicting ").append(esc(r.label())).append(" = ").append(esc(r.positive()))
                .append(", trained on the release and tested on real held-out rows.</p>\n</section>\n");
        b.append("<section>\n<h2>Every release</h2>\n<table>\n<thead><tr><th>setting</th><th>model</th><th>true p</th>")
                .append("<th>released share</th><th>classifier count [95% CI]</th><th>shadow regression [95% CI]</th>")
                .append("<th>mean KS</th><th>mean TV</th><th>accuracy (real)</th><th>F1 (real)</th></tr></thead>\n")
                .append("<tbody>\n");
        for (Row row : r.rows()) {
            b.append("<tr><td>").append(esc(row.setting())).append("</td><td>").append(esc(row.label()))
                    .append("</td><td>").append(Fmt.dec(row.trueShare())).append("</td><td>")
                    .append(Fmt.dec(row.releasedShare())).append("</td><td>")
                    .append(PropertyReportWriter.est(row.classifierCount())).append("</td><td>")
                    .append(PropertyReportWriter.est(row.shadow())).append("</td><td>").append(Fmt.dec(row.meanKs()))
                    .append("</td><td>").append(Fmt.dec(row.meanTv())).append("</td><td>").append(Fmt.dec(row.accuracy()))
                    .append(" (").append(Fmt.dec(row.realAccuracy())).append(")</td><td>").append(Fmt.dec(row.f1()))
                    .append(" (").append(Fmt.dec(row.realF1())).append(")</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"note\">Study time: ").append(esc(Fmt.seconds(r.seconds())))
                .append(".</p>\n</section>\n</main>\n</body>\n</html>\n");
        return b.toString();
    }
}
