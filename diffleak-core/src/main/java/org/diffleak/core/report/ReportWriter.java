package org.diffleak.core.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.util.Json;

/**
 * Writes an {@link AuditReport} into a directory as {@value #HTML}, {@value #RESULTS} and {@value #SCORES},
 * each file atomically; other files there (the caller's manifest.json, a section's own report) are left alone,
 * and a reconstruction section's results.json, written there before, feeds the recommended-ε box.
 */
public final class ReportWriter {

    /** The self-contained page. */
    public static final String HTML = "index.html";
    /** Every figure of the page, snake_case keys. */
    public static final String RESULTS = "results.json";
    /** Raw scores of every attack: attack,scenario,inference,id,label,score (label 1 = member). */
    public static final String SCORES = "scores.csv";

    private ReportWriter() {}

    /** Writes the three files into dir (created if missing); the page last, so it never links to missing files. */
    public static void write(AuditReport report, Path dir) {
        Ranking ranking = Ranking.of(report.attacks(), report.distributionCheck());
        AtomicFiles.writeString(dir.resolve(SCORES), scoresCsv(report.attacks()));
        ObjectNode results = ResultsJson.of(report, ranking);
        List<RecommendationBox.Entry> recommended = RecommendationBox.of(results, report, dir);
        if (!recommended.isEmpty()) {
            results.set("recommended_epsilon", RecommendationBox.json(recommended));
        }
        Json.write(dir.resolve(RESULTS), results);
        AtomicFiles.writeString(dir.resolve(HTML), HtmlPage.render(report, ranking,
                RecommendationBox.html(recommended)));
    }

    static String scoresCsv(List<AttackOutcome> attacks) {
        StringBuilder b = new StringBuilder("attack,scenario,inference,id,label,score\n");
        for (AttackOutcome a : attacks) {
            String prefix = csv(a.name()) + ',' + csv(a.scenario()) + ',' + csv(a.inference()) + ',';
            ScoresCsv s = a.scores();
            for (int i = 0; i < s.labels().length; i++) {
                b.append(prefix).append(csv(s.ids().get(i))).append(',').append(s.labels()[i] ? '1' : '0')
                        .append(',').append(s.scores()[i]).append('\n');
            }
        }
        return b.toString();
    }

    /** A CSV field, quoted (RFC 4180) where it holds a comma, quote or line break. */
    private static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
