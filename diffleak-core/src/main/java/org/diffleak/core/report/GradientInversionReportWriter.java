package org.diffleak.core.report;

import static org.diffleak.core.report.Fmt.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.inversion.InversionSummary;
import org.diffleak.core.inversion.UserOutcome;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.io.ImageGrid;
import org.diffleak.core.util.Json;

/**
 * The gradient-inversion report directory, written atomically: results.json (settings, per-cell summaries,
 * every user's outcome) and a self-contained index.html (the metrics table by batch size, ε and prior; per
 * user, the batch's thumbnails beside the image recovered without prior and with the diffusion prior).
 */
public final class GradientInversionReportWriter {

    public static final String HTML = "index.html";
    public static final String RESULTS = "results.json";
    private static final int ZOOM = 2;

    private GradientInversionReportWriter() {}

    public static void write(InversionResults r, Path dir) {
        AtomicFiles.writeDirectory(dir, tmp -> {
            Json.write(tmp.resolve(RESULTS), json(r));
            Files.writeString(tmp.resolve(HTML), html(r), StandardCharsets.UTF_8);
        });
    }

    static Map<String, Object> json(InversionResults r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("settings", r.settings());
        List<Map<String, Object>> cells = new ArrayList<>();
        for (InversionSummary s : r.summaries()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("batchSize", s.batchSize());
            c.put("epsilon", eps(s.epsilon()));
            c.put("prior", s.prior());
            c.put("users", s.users());
            c.put("labelAccuracy", s.labelAccuracy());
            c.put("attributeAccuracy", s.attributeAccuracy());
            c.put("groupBaseline", s.groupBaseline());
            c.put("realImageAttributeAccuracy", s.realImageAttributeAccuracy());
            c.put("ownClosestRate", s.ownClosestRate());
            c.put("realImageOwnClosestRate", s.realImageOwnClosestRate());
            c.put("ssimMean", s.ssimMean());
            c.put("ssimMax", s.ssimMax());
            c.put("encoderCosineMean", s.cosineMean());
            c.put("encoderCosineMax", s.cosineMax());
            c.put("bestOtherEncoderCosineMean", s.bestOtherCosineMean());
            c.put("secondsPerAttack", s.secondsPerAttack());
            cells.add(c);
        }
        root.put("summaries", cells);
        List<Map<String, Object>> users = new ArrayList<>();
        for (UserOutcome o : r.outcomes()) {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("user", o.user());
            u.put("batchSize", o.batchSize());
            u.put("epsilon", eps(o.epsilon()));
            u.put("prior", o.prior());
            u.put("attribute", FederatedSetting.FINE_NAMES[o.attribute()]);
            u.put("group", FederatedSetting.GROUP_NAMES[o.group()]);
            u.put("inferredGroup", FederatedSetting.GROUP_NAMES[o.inferredGroup()]);
            u.put("inferredCount", o.inferredCount());
            u.put("predictedAttribute", FederatedSetting.FINE_NAMES[o.predictedAttribute()]);
            u.put("realAttributeShare", o.realAttributeShare());
            u.put("realOwnClosestShare", o.realOwnClosestShare());
            u.put("ssimMean", o.similarity().ssimMean());
            u.put("ssimMax", o.similarity().ssimMax());
            u.put("encoderCosineMean", o.similarity().cosineMean());
            u.put("encoderCosineMax", o.similarity().cosineMax());
            u.put("bestOtherEncoderCosineMean", o.similarity().bestOtherCosineMean());
            u.put("closestUser", o.similarity().closestUser());
            u.put("matchingLoss", o.matchingLoss());
            u.put("seconds", o.seconds());
            users.add(u);
        }
        root.put("outcomes", users);
        return root;
    }

    /**
     * The audit page's section from a written results.json: one row per (batch size, ε, prior) cell, linking to
     * the full report at `href`.
     */
    public static LinkedSection section(Path resultsJson, String href) {
        JsonNode root = Json.read(resultsJson, JsonNode.class);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode c : root.path("summaries")) {
            String e = c.path("epsilon").asText();
            rows.add(List.of(c.path("batchSize").asText(), e.equals("inf") ? "∞" : e, c.path("prior").asText(),
                    c.path("users").asText(), pct(c.path("labelAccuracy").asDouble()),
                    pct(c.path("attributeAccuracy").asDouble()), pct(c.path("groupBaseline").asDouble()),
                    pct(c.path("realImageAttributeAccuracy").asDouble()),
                    pct(c.path("ownClosestRate").asDouble()), pct(c.path("realImageOwnClosestRate").asDouble()),
                    String.format(Locale.ROOT, "%.3f", c.path("encoderCosineMean").asDouble()),
                    String.format(Locale.ROOT, "%.1f", c.path("secondsPerAttack").asDouble())));
        }
        return new LinkedSection("gradient-inversion", "User-level gradient inversion",
                "What an honest-but-curious federated server learns from one client's gradient: the batch's labels,"
                        + " a representative image recovered by gradient matching with and without a diffusion prior,"
                        + " and the user's private fine category predicted from that image.",
                href, List.of("batch", "DP ε", "prior", "users", "label inference", "attribute inference",
                        "guessing within the group", "attribute on real images", "own batch closest",
                        "own batch closest, real images", "encoder cosine to own batch",
                        "s per attack"), rows);
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : Fmt.MISSING;
    }

    private static Object eps(double e) {
        return Double.isInfinite(e) ? "inf" : e;
    }

    static String html(InversionResults r) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DiffLeak gradient inversion</title>\n")
                .append("<style>\n").append(Stylesheet.CSS).append("</style></head><body><main class=\"study\">\n")
                .append("<h1>User-level gradient inversion</h1>\n<section><h2>Metrics by batch size, client ε and prior</h2>\n")
                .append("<p class=\"note\">Label: share of users whose coarse group label inference found. Attribute: share whose fine")
                .append(" category the attribute classifier read off the recovered image (baseline: guessing within the group;")
                .append(" on real: the same classifier on the users' real images, what a perfect recovery would score).")
                .append(" Own closest: share whose recovered image has a higher mean encoder cosine to its own batch than to any")
                .append(" other user's (on real: the share of the users' real images closer to the rest of their own batch than")
                .append(" to any other: how far the encoder tells the users apart). SSIM and cosine against the own batch's images,")
                .append(" mean / max.</p>\n<table><tr><th>batch</th>")
                .append("<th>ε</th><th>prior</th><th>users</th><th>label</th><th>attribute</th><th>baseline</th><th>on real</th>")
                .append("<th>own closest</th><th>on real</th><th>SSIM mean / max</th><th>cosine mean / max</th><th>best other cosine</th>")
                .append("<th>s / attack</th></tr>\n");
        for (InversionSummary s : r.summaries()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td>"
                    + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.3f / %.3f</td><td>%.3f / %.3f</td><td>%.3f</td><td>%.1f</td></tr>%n",
                    s.batchSize(), epsText(s.epsilon()), esc(s.prior()), s.users(), Fmt.pct(s.labelAccuracy()),
                    Fmt.pct(s.attributeAccuracy()), Fmt.pct(s.groupBaseline()),
                    Fmt.pct(s.realImageAttributeAccuracy()), Fmt.pct(s.ownClosestRate()),
                    Fmt.pct(s.realImageOwnClosestRate()),
                    s.ssimMean(), s.ssimMax(), s.cosineMean(), s.cosineMax(), s.bestOtherCosineMean(),
                    s.secondsPerAttack()));
        }
        b.append("</table></section>\n");
        for (Map.Entry<Integer, List<InversionResults.UserBatch>> e : r.batches().entrySet()) {
            int batch = e.getKey();
            for (double eps : epsilonsOf(r, batch)) {
                b.append("<section><h2>Batch ").append(batch).append(", ε ").append(epsText(eps)).append("</h2>\n<table>")
                        .append("<tr><th>user</th><th>batch (first images)</th>");
                List<String> priors = priorsOf(r);
                for (String p : priors) {
                    b.append("<th>recovered, prior ").append(esc(p)).append("</th>");
                }
                b.append("</tr>\n");
                for (InversionResults.UserBatch u : e.getValue()) {
                    b.append("<tr><td>").append(u.user()).append("<br>").append(esc(FederatedSetting.FINE_NAMES[u.attribute()]))
                            .append("</td><td>").append(img(u.thumbnails(), u.count(), r.channels(), r.size())).append("</td>");
                    for (String p : priors) {
                        UserOutcome o = find(r, batch, eps, p, u.user());
                        b.append("<td>");
                        if (o != null) {
                            String cls = o.attributeCorrect() ? "ok" : "bad";
                            b.append(img(o.recovered(), 1, r.channels(), r.size())).append(String.format(Locale.ROOT,
                                    "<br><span class=\"%s\">%s</span> · cos %.2f%s", cls,
                                    esc(FederatedSetting.FINE_NAMES[o.predictedAttribute()]), o.similarity().cosineMean(),
                                    o.similarity().ownClosest() ? " · own closest" : ""));
                        }
                        b.append("</td>");
                    }
                    b.append("</tr>\n");
                }
                b.append("</table></section>\n");
            }
        }
        b.append("<section class=\"note\"><h2>Settings</h2><pre>").append(esc(Json.toJson(r.settings())))
                .append("</pre></section>\n</main></body></html>\n");
        return b.toString();
    }

    private static List<Double> epsilonsOf(InversionResults r, int batch) {
        return r.outcomes().stream().filter(o -> o.batchSize() == batch).map(UserOutcome::epsilon).distinct().toList();
    }

    private static List<String> priorsOf(InversionResults r) {
        return r.outcomes().stream().map(UserOutcome::prior).distinct().toList();
    }

    private static UserOutcome find(InversionResults r, int batch, double eps, String prior, int user) {
        for (UserOutcome o : r.outcomes()) {
            if (o.batchSize() == batch && o.epsilon() == eps && o.prior().equals(prior) && o.user() == user) {
                return o;
            }
        }
        return null;
    }

    private static String epsText(double e) {
        return Double.isInfinite(e) ? "∞" : String.format(Locale.ROOT, "%g", e);
    }

    private static String img(float[] pixels, int n, int channels, int size) {
        BufferedImage grid = ImageGrid.render(pixels, n, channels, size, size, n, 1);
        BufferedImage big = new BufferedImage(grid.getWidth() * ZOOM, grid.getHeight() * ZOOM, grid.getType());
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(grid, 0, 0, big.getWidth(), big.getHeight(), null);
        g.dispose();
        return "<img alt=\"\" src=\"" + PngDataUri.of(big) + "\">";
    }
}
