package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffleak.core.recommend.RiskSweep;
import org.diffleak.core.recommend.SweepRecommendation;
import org.diffleak.core.util.Json;

/**
 * The audit page's "Recommended ε" box: {@code diffleak recommend}'s answer, on the same results.json, at default
 * tolerances: every membership attack's TPR at 1% FPR ≤ {@value #TPR} (upper 95% bootstrap bound) for a DP-SGD
 * sweep, and the diffusion-prior attacker's mean SSIM ≤ {@value #SSIM} (upper 95% bound: the reconstruction keeps
 * at most about half of the original's structure) for a reconstruction section. Shown only where the audit has one
 * of these.
 */
final class RecommendationBox {

    /** The default tolerated TPR at {@link #FPR}. */
    static final double TPR = 0.1;
    static final double FPR = 0.01;
    /** The default tolerated mean SSIM of the diffusion-prior reconstruction. */
    static final double SSIM = 0.5;

    /**
     * One source's answer.
     *
     * @param result the recommendation, or null where nothing is within the tolerance
     * @param failure why nothing is recommended (null with a result)
     */
    record Entry(String source, String tolerance, String command, SweepRecommendation.Result result,
            String failure, String scope) {}

    private RecommendationBox() {}

    /**
     * The entries for this audit: its DP-SGD sweep from `results` (the page's results.json), and its reconstruction
     * section from that section's own results.json under `dir`.
     */
    static List<Entry> of(JsonNode results, AuditReport report, Path dir) {
        List<Entry> out = new ArrayList<>();
        if (results.path("settings").has("defense") && !report.privacy().isEmpty()) {
            out.add(entry(RiskSweep.AUDIT, () -> RiskSweep.fromAudit(results, FPR), TPR,
                    "every membership attack's TPR at FPR " + pct(FPR) + " ≤ τ = " + TPR + " (upper 95% bootstrap bound)",
                    "diffleak recommend --max-tpr τ --at-fpr f --from DIR"));
        }
        for (LinkedSection s : report.sections()) {
            Path file = dir.resolve(s.href()).resolveSibling(ReconstructionReportWriter.RESULTS);
            if (s.id().equals(RiskSweep.RECONSTRUCTION) && Files.isRegularFile(file)) {
                out.add(entry(RiskSweep.RECONSTRUCTION, () -> RiskSweep.fromReconstruction(read(file), "ssim"), SSIM,
                        "the diffusion-prior attacker's mean SSIM ≤ " + SSIM + " (upper 95% bootstrap bound)",
                        "diffleak recommend --max-recon s --metric ssim|encoder --from DIR/reconstruction"));
            }
        }
        return out;
    }

    private interface SweepSource {
        RiskSweep read();
    }

    private static Entry entry(String name, SweepSource source, double tolerance, String toleranceText,
            String command) {
        RiskSweep sweep;
        try {
            sweep = source.read();
        } catch (IllegalArgumentException e) {
            return new Entry(name, toleranceText, command, null, e.getMessage(), "");
        }
        try {
            return new Entry(name, toleranceText, command, SweepRecommendation.recommend(sweep, tolerance), null,
                    SweepRecommendation.scope(sweep));
        } catch (SweepRecommendation.NothingWithinTolerance e) {
            return new Entry(name, toleranceText, command, null, e.getMessage(), SweepRecommendation.scope(sweep));
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The box, or "" without entries. */
    static String html(List<Entry> entries) {
        if (entries.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<section id=\"recommended-epsilon\">\n<h2>Recommended ε</h2>\n");
        for (Entry e : entries) {
            SweepRecommendation.Result r = e.result();
            b.append("<p>");
            if (r != null) {
                b.append("<strong>ε = ").append(SweepRecommendation.fmt(r.epsilon()))
                        .append("</strong> (σ = ").append(SweepRecommendation.fmt(r.noiseMultiplier()))
                        .append(") keeps ").append(esc(e.tolerance())).append(": ").append(esc(r.where()))
                        .append(".");
            } else {
                b.append("<strong>No ε recommended</strong> for ").append(esc(e.tolerance())).append(": ")
                        .append(esc(e.failure())).append(".");
            }
            b.append("</p>\n<p class=\"note\">").append(esc(e.scope())).append(" This is the default tolerance;"
                    + " for another: <code>")
                    .append(esc(e.command())).append("</code>.</p>\n");
        }
        return b.append("</section>\n").toString();
    }

    /** The entries for results.json. */
    static ArrayNode json(List<Entry> entries) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Entry e : entries) {
            ObjectNode o = a.addObject();
            o.put("source", e.source());
            o.put("tolerance", e.tolerance());
            SweepRecommendation.Result r = e.result();
            if (r != null) {
                o.put("epsilon", r.epsilon());
                o.put("noise_multiplier", r.noiseMultiplier());
                o.put("binding", r.binding());
                o.put("interpolated", r.interpolated());
                o.put("where", r.where());
            } else {
                o.putNull("epsilon");
                o.put("reason", e.failure());
            }
        }
        return a;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", v * 100);
    }
}
