package org.diffleak.core.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.property.PropertyResults.Row;
import org.diffleak.core.property.ShareEstimate;
import org.diffleak.core.util.Json;

/** The property study's directory, written atomically: results.json and a self-contained index.html. */
public final class PropertyReportWriter {

    public static final String HTML = "index.html";
    public static final String RESULTS = "results.json";

    private PropertyReportWriter() {}

    public static void write(PropertyResults r, Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Files.writeString(tmp.resolve(RESULTS), Json.toJson(json(r)), StandardCharsets.UTF_8);
        });
    }

    static Map<String, Object> json(PropertyResults r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("property", r.property());
        root.put("settings", r.settings());
        root.put("attacker_classifier", Map.of("tpr", r.attackerTpr(), "fpr", r.attackerFpr()));
        root.put("judge_accuracy", r.judgeAccuracy());
        root.put("seconds", r.seconds());
        List<Object> rows = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", row.setting());
            m.put("label", row.label());
            m.put("true_share", row.trueShare());
            m.put("epsilon", Double.isInfinite(row.epsilon()) ? "inf" : row.epsilon());
            m.put("judge_share", row.judgeShare());
            m.put("classifier_count", estimate(row.classifierCount(), row.trueShare()));
            m.put("shadow_regression", estimate(row.shadow(), row.trueShare()));
            m.put("frechet_distance", row.frechet());
            m.put("classifier_confidence", row.confidence());
            if (!Double.isNaN(row.targetHitRate())) {
                m.put("assigned_value_reached", row.targetHitRate());
            }
            rows.add(m);
        }
        root.put("rows", rows);
        return root;
    }

    private static Map<String, Object> estimate(ShareEstimate e, double truth) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("raw", e.raw());
        m.put("estimate", e.share());
        m.put("ci95", List.of(e.lower(), e.upper()));
        m.put("abs_error", e.error(truth));
        return m;
    }
}
