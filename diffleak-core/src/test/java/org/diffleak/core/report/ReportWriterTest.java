package org.diffleak.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path dir;

    /** Gaussian scores, members shifted by `shift`; 300 members and 300 non-members. */
    static AttackOutcome attack(String name, String inference, double shift, long seed, Double shadowBa) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 600;
        List<String> ids = new ArrayList<>();
        boolean[] labels = new boolean[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2 == 0;
            scores[i] = rng.nextGaussian() + (labels[i] ? shift : 0);
            ids.add("img-" + i);
        }
        return new AttackOutcome(name, "fine-tune", "gray-box", inference, new ScoresCsv(ids, labels, scores),
                MembershipMetrics.compute(labels, scores, 200, seed), shadowBa);
    }

    static AuditReport report(List<AttackOutcome> attacks, List<ImageGallery> galleries, List<Ablation> ablations) {
        return new AuditReport("Audit of a fine-tuned UNet", "Fine-tuned on 300 private images.\n\nSecond paragraph.",
                "The attacker holds candidates and may query the noise prediction.",
                new TargetSummary("unet-ft", List.of(new Fact("dataset", "fashion-mnist"), new Fact("members", "300"))),
                List.of(new Fact("bootstraps", "200")), attacks, galleries, ablations, List.of(),
                List.of(new AuditReport.Timing("shadows", 312.5), new AuditReport.Timing("attacks", 41.0)));
    }

    static List<AttackOutcome> threeAttacks() {
        return List.of(attack("loss", "raw", 0.3, 1, null), attack("secmi", "threshold", 1.2, 2, 0.71),
                attack("pia", "raw", 0.7, 3, null));
    }

    static ImageGallery gallery(int n) {
        float[] px = new float[n * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (i % 28) / 27f;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add("id " + i);
        }
        return new ImageGallery("Most exposed members", "Highest secmi scores.", px, n, 1, 28, 28, 4, labels);
    }

    static Ablation ablation() {
        return new Ablation("epsilon", List.of("1", "8", "inf"), List.of(
                new Ablation.Series("secmi", new double[] {0.52, 0.61, 0.80}, new double[] {0.01, 0.03, 0.2}),
                new Ablation.Series("loss", new double[] {0.5, Double.NaN, 0.6}, new double[] {0.01, 0.01, 0.04})));
    }

    String html() throws IOException {
        return Files.readString(dir.resolve(ReportWriter.HTML));
    }

    @Test
    void writesTheThreeFilesAndNoManifest() throws IOException {
        ReportWriter.write(report(threeAttacks(), List.of(gallery(8)), List.of(ablation())), dir);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("index.html", "results.json", "scores.csv");
        }
    }

    @Test
    void pageIsSelfContainedAndHasEveryPlot() throws IOException {
        ReportWriter.write(report(threeAttacks(), List.of(gallery(8)), List.of(ablation())), dir);
        String html = html();
        String outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertThat(outside).doesNotContain("http://", "https://", "<script", "<link", "@import", "url(");
        assertThat(Pattern.compile("src=\"(?!data:image/png;base64,)").matcher(html).find()).isFalse();
        assertThat(html).contains("<svg class=\"plot roc\"", "<svg class=\"plot roc-log\"",
                "<svg class=\"plot ablation ablation-auc\"", "<svg class=\"plot ablation ablation-tpr\"");
        assertThat(count(html, "<svg class=\"plot hist\"")).isEqualTo(3);
        assertThat(count(html, "src=\"data:image/png;base64,")).isEqualTo(8);
        assertThat(html).contains("fashion-mnist", "<p>Second paragraph.</p>", "shadows", "5 min 13 s");
    }

    @Test
    void headlineAndHighlightNameTheAttackWithTheHighestAuc() throws IOException {
        List<AttackOutcome> attacks = threeAttacks();
        ReportWriter.write(report(attacks, List.of(), List.of()), dir);
        AttackOutcome best = attacks.stream().max((a, b) -> Double.compare(a.metrics().auc(), b.metrics().auc()))
                .orElseThrow();
        assertThat(best.name()).isEqualTo("secmi");
        String html = html();
        assertThat(html).contains("<p class=\"headline-text\">secmi leaks most: AUC "
                + Fmt.dec(best.metrics().auc()));
        Matcher row = Pattern.compile("<tr class=\"best\">.*?</tr>").matcher(html);
        assertThat(row.find()).isTrue();
        assertThat(row.group()).contains("secmi").doesNotContain(">loss<", ">pia<");
        assertThat(count(html, "<tr class=\"best\">")).isEqualTo(1);
        assertThat(html).doesNotContain("id=\"ablations\"", "id=\"images\"");
    }

    @Test
    void resultsJsonHoldsTheMetrics() throws IOException {
        List<AttackOutcome> attacks = threeAttacks();
        ReportWriter.write(report(attacks, List.of(gallery(2)), List.of(ablation())), dir);
        JsonNode root = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile());
        assertThat(root.get("title").asText()).isEqualTo("Audit of a fine-tuned UNet");
        assertThat(root.get("target").get("facts").get("members").asText()).isEqualTo("300");
        assertThat(root.get("headline").get("attack").asText()).isEqualTo("secmi");
        assertThat(root.get("attacks")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode a = root.get("attacks").get(i);
            MembershipMetrics m = attacks.get(i).metrics();
            assertThat(a.get("name").asText()).isEqualTo(attacks.get(i).name());
            assertThat(a.get("auc").asDouble()).isEqualTo(m.auc());
            assertThat(a.get("auc_ci").get(0).asDouble()).isEqualTo(m.aucCi().low());
            assertThat(a.get("auc_ci").get(1).asDouble()).isEqualTo(m.aucCi().high());
            assertThat(a.get("tpr_at_1pct_fpr").asDouble()).isEqualTo(m.tprAt1PctFpr());
            assertThat(a.has("tpr_at_1pct_fpr_reason")).isFalse();
            // 300 non-members cannot resolve 0.1% FPR
            assertThat(a.get("tpr_at_0_1pct_fpr").isNull()).isTrue();
            assertThat(a.get("tpr_at_0_1pct_fpr_ci").isNull()).isTrue();
            assertThat(a.get("tpr_at_0_1pct_fpr_reason").asText())
                    .isEqualTo("not resolvable with 300 non-members (needs ≥ 1001)");
            assertThat(a.get("balanced_accuracy").asDouble()).isEqualTo(m.balancedAccuracy());
            assertThat(a.get("members").asInt()).isEqualTo(300);
            assertThat(a.get("non_members").asInt()).isEqualTo(300);
        }
        assertThat(root.get("attacks").get(0).get("shadow_threshold_balanced_accuracy").isNull()).isTrue();
        assertThat(root.get("attacks").get(1).get("shadow_threshold_balanced_accuracy").asDouble()).isEqualTo(0.71);
        JsonNode loss = root.get("ablations").get(0).get("series").get(1);
        assertThat(loss.get("auc").get(1).isNull()).isTrue();
        assertThat(root.get("timing").get("shadows").asDouble()).isEqualTo(312.5);
        assertThat(root.get("galleries").get(0).get("labels")).hasSize(2);
    }

    @Test
    void scoresCsvRecomputesEveryAuc() throws IOException {
        List<AttackOutcome> attacks = threeAttacks();
        ReportWriter.write(report(attacks, List.of(), List.of()), dir);
        List<String> lines = Files.readAllLines(dir.resolve(ReportWriter.SCORES));
        assertThat(lines.get(0)).isEqualTo("attack,scenario,inference,id,label,score");
        assertThat(lines).hasSize(1 + 3 * 600);
        Map<String, List<String[]>> byAttack = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            byAttack.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
        }
        for (AttackOutcome a : attacks) {
            List<String[]> rows = byAttack.get(a.name());
            boolean[] labels = new boolean[rows.size()];
            double[] scores = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i)[3]).isEqualTo(a.scores().ids().get(i));
                labels[i] = rows.get(i)[4].equals("1");
                scores[i] = Double.parseDouble(rows.get(i)[5]);
            }
            assertThat(labels).containsExactly(a.scores().labels());
            assertThat(MembershipMetrics.auc(labels, scores)).isEqualTo(a.metrics().auc());
        }
    }

    @Test
    void csvQuotesFieldsWithCommas() {
        AttackOutcome a = attack("loss, t=100", "raw", 0.5, 4, null);
        assertThat(ReportWriter.scoresCsv(List.of(a)).split("\n")[1]).startsWith("\"loss, t=100\",fine-tune,raw,");
    }

    @Test
    void rocCurveRunsFromOriginToOneOne() throws IOException {
        ReportWriter.write(report(threeAttacks(), List.of(), List.of()), dir);
        String svg = svg(html(), "plot roc\"");
        Matcher frame = Pattern.compile("<rect class=\"frame\" x=\"([\\d.]+)\" y=\"([\\d.]+)\" width=\"([\\d.]+)\""
                + " height=\"([\\d.]+)\"").matcher(svg);
        assertThat(frame.find()).isTrue();
        double x0 = Double.parseDouble(frame.group(1));
        double y0 = Double.parseDouble(frame.group(2));
        double w = Double.parseDouble(frame.group(3));
        double h = Double.parseDouble(frame.group(4));
        Matcher curve = Pattern.compile("<polyline class=\"curve[^\"]*\"[^>]*points=\"([^\"]+)\"").matcher(svg);
        int curves = 0;
        while (curve.find()) {
            curves++;
            String[] pts = curve.group(1).split(" ");
            double[] first = dataPoint(pts[0], x0, y0, w, h);
            double[] last = dataPoint(pts[pts.length - 1], x0, y0, w, h);
            assertThat(first).containsExactly(new double[] {0, 0}, within(1e-4));
            assertThat(last).containsExactly(new double[] {1, 1}, within(1e-4));
            double prevX = -1;
            for (String p : pts) {
                double fx = dataPoint(p, x0, y0, w, h)[0];
                assertThat(fx).isGreaterThanOrEqualTo(prevX);
                prevX = fx;
            }
        }
        assertThat(curves).isEqualTo(3);
        // the log-log axes start at 1/300, the smallest non-zero rate of 300 candidates a side
        assertThat(svg(html(), "plot roc-log\"")).contains("class=\"chance\"", ">0.0033<", ">0.01<", ">1<")
                .doesNotContain(">0.001<");
    }

    @Test
    void cornersKeepTheSamePolyline() {
        double[][] c = Plots.corners(new double[] {0, 0, 0, 0.5, 0.5, 1}, new double[] {0, 0.2, 0.4, 0.4, 0.8, 1});
        assertThat(c[0]).containsExactly(0, 0, 0.5, 0.5, 1);
        assertThat(c[1]).containsExactly(0, 0.4, 0.4, 0.8, 1);
    }

    @Test
    void privacyTableSetsTheProvenBoundBesideTheAuditedOne() throws IOException {
        List<PrivacyRow> rows = List.of(
                new PrivacyRow("DP-SGD, target ε = 2", new PrivacyRow.Accounted(1.995, 1e-5, 1.7, 1.0, 0.25, 400),
                        new PrivacyRow.Audited(0.41, 64, 30, "loss <t=100>", 32, 24, 10), "secmi", 0.53, 0.02),
                new PrivacyRow("broken", new PrivacyRow.Accounted(0.5, 1e-5, 9, 1.0, 0.25, 400),
                        new PrivacyRow.Audited(2.2, 64, 30, "pia", 64, 60, 10), "pia", 0.9, 0.5),
                new PrivacyRow("non-private", null, null, "secmi", 0.8, 0.3));
        AuditReport base = report(threeAttacks(), List.of(), List.of(ablation()));
        ReportWriter.write(new AuditReport(base.title(), base.scenario(), base.threatModel(), base.target(),
                base.settings(), base.attacks(), base.galleries(), base.ablations(), rows, base.timings()), dir);
        String html = html();
        assertThat(html).contains("id=\"privacy\"", "1.995", "0.410", "∞", "not private", "no canaries",
                "30 of 64 canaries inserted; 32 guesses, 24 right, by loss &lt;t=100&gt;",
                "audit exceeds the bound");
        assertThat(count(html, "audit exceeds the bound")).isEqualTo(1);
        JsonNode privacy = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("privacy");
        assertThat(privacy).hasSize(3);
        assertThat(privacy.get(0).get("accountant_epsilon").asDouble()).isEqualTo(1.995);
        assertThat(privacy.get(0).get("canary_audit").get("epsilon_lower_bound").asDouble()).isEqualTo(0.41);
        assertThat(privacy.get(0).get("canary_audit").get("bonferroni_tests").asInt()).isEqualTo(10);
        assertThat(privacy.get(0).get("bound_violated").asBoolean()).isFalse();
        assertThat(privacy.get(1).get("bound_violated").asBoolean()).isTrue();
        assertThat(privacy.get(2).get("private").asBoolean()).isFalse();
        assertThat(privacy.get(2).get("accountant_epsilon").isNull()).isTrue();
        assertThat(privacy.get(2).get("canary_audit").isNull()).isTrue();
    }

    @Test
    void linkedSectionsShowTheirTableAndLinkAndGoIntoResultsJson() throws IOException {
        AuditReport base = report(threeAttacks(), List.of(), List.of());
        LinkedSection rec = new LinkedSection("reconstruction", "Reconstruction <under> DP", "What an attacker sees.",
                "reconstruction/index.html", List.of("ε", "SSIM wiener", "SSIM diffusion"),
                List.of(List.of("8", "0.143", "0.150"), List.of("16", "0.144", "0.190")));
        ReportWriter.write(base.withSections(List.of(rec)), dir);
        String html = html();
        assertThat(html).contains("id=\"reconstruction\"", "Reconstruction &lt;under&gt; DP",
                "href=\"reconstruction/index.html\"", "<td>0.190</td>");
        JsonNode section = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("sections")
                .get("reconstruction");
        assertThat(section.get("report").asText()).isEqualTo("reconstruction/index.html");
        assertThat(section.get("rows").get(1).get("SSIM diffusion").asText()).isEqualTo("0.190");
        assertThatThrownBy(() -> base.withSections(List.of(rec, rec))).hasMessageContaining("twice");
        assertThatThrownBy(() -> new LinkedSection("x", "t", "d", "h", List.of("a", "b"), List.of(List.of("1"))))
                .hasMessageContaining("1 cells for 2 columns");
    }

    @Test
    void shadowScalingDrawsOnePlotPerMethodWithIntervalsAndGoesIntoResultsJson() throws IOException {
        ShadowScaling sc = new ShadowScaling(List.of(2, 4, 8), 0.001, List.of(
                new ShadowScaling.Line("loss · LiRA online", new double[] {0.05, 0.12, 0.2},
                        new double[] {0.03, 0.09, 0.16}, new double[] {0.08, 0.15, 0.24}),
                new ShadowScaling.Line("PIA · LiRA online", new double[] {0.01, 0.02, 0.04},
                        new double[] {0, 0.01, 0.02}, new double[] {0.02, 0.04, 0.06}),
                new ShadowScaling.Line("loss · RMIA", new double[] {0.04, 0.05, 0.06},
                        new double[] {0.02, 0.03, 0.04}, new double[] {0.06, 0.07, 0.08})));
        ReportWriter.write(report(threeAttacks(), List.of(), List.of()).withShadowScaling(sc), dir);
        String html = html();
        assertThat(html).contains("id=\"shadow-scaling\"", "LiRA online: TPR at 0.1% FPR vs shadows",
                "RMIA: TPR at 0.1% FPR vs shadows", "<th class=\"num\">8 shadows</th>", "20.0%");
        assertThat(count(html, "class=\"plot shadow-scaling\"")).isEqualTo(2);
        // three caps-and-stem lines per point: 3 points × (2 + 1 lines) × 3 = 27
        assertThat(count(html, "class=\"interval\"")).isEqualTo(27);
        JsonNode j = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("shadow_scaling");
        assertThat(j.get("fpr").asDouble()).isEqualTo(0.001);
        assertThat(j.get("lines").get(0).get("tpr_ci_high").get(2).asDouble()).isEqualTo(0.24);
        assertThatThrownBy(() -> new ShadowScaling(List.of(2, 4), 0.01, sc.lines()))
                .hasMessageContaining("3 points for 2 numbers of shadows");
        ReportWriter.write(report(threeAttacks(), List.of(), List.of()), dir);
        assertThat(html()).doesNotContain("shadow-scaling");
    }

    @Test
    void escapesEveryTextItShows() throws IOException {
        AttackOutcome evil = attack("<script>alert(1)</script>", "raw & \"quoted\"", 2.0, 5, null);
        AuditReport r = new AuditReport("<b>title</b>", "<img src=x onerror=alert(1)>", "a < b",
                new TargetSummary("t<1>", List.of(new Fact("<k>", "<v>"))), List.of(), List.of(evil),
                List.of(new ImageGallery("<g>", "<c>", new float[4], 1, 1, 2, 2, 1, List.of("<l>"))),
                List.of(new Ablation("<param>", List.of("<v>"), List.of(new Ablation.Series("<s>", new double[] {0.6},
                        new double[] {0.1})))), List.of(), List.of());
        ReportWriter.write(r, dir);
        String html = html();
        assertThat(html).doesNotContain("<script", "<b>title", "<img src=x", "<k>", "<v>", "<g>", "<c>", "<l>",
                "<param>", "<s>", "t<1>");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt; leaks most", "&lt;b&gt;title&lt;/b&gt;",
                "raw &amp; &quot;quoted&quot;", "a &lt; b");
    }

    @Test
    void emptyReportHasNoFiguresButStillWrites() throws IOException {
        ReportWriter.write(new AuditReport("Empty", "", "", new TargetSummary("t", List.of()), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of()), dir);
        String html = html();
        assertThat(html).contains("No attack was run.").doesNotContain("<svg", "id=\"ablations\"", "id=\"run\"");
        JsonNode root = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile());
        assertThat(root.get("attacks")).isEmpty();
        assertThat(root.get("headline").has("attack")).isFalse();
        assertThat(Files.readString(dir.resolve(ReportWriter.SCORES)))
                .isEqualTo("attack,scenario,inference,id,label,score\n");
    }

    @Test
    void attacksOnChanceAreNotCalledLeaks() throws IOException {
        ReportWriter.write(report(List.of(attack("loss", "raw", 0, 6, null)), List.of(), List.of()), dir);
        assertThat(html()).contains("No attack is distinguishable from random guessing; the strongest, loss, has AUC")
                .doesNotContain("leaks most:", "class=\"badge\"");
    }

    @Test
    void repeatedNamesAreToldApartByInference() {
        Ranking k = Ranking.of(List.of(attack("recon", "threshold", 1, 1, 0.6), attack("recon", "mlp", 1.1, 2, 0.6),
                attack("pia", "raw", 0.2, 3, null)));
        assertThat(k.labels()).containsExactly("recon · threshold", "recon · mlp", "pia");
        assertThat(k.best()).isEqualTo(1);
    }

    @Test
    void rejectsInconsistentParts() {
        AttackOutcome a = attack("loss", "raw", 0.5, 1, null);
        ScoresCsv fewer = new ScoresCsv(a.scores().ids().subList(0, 10), Arrays.copyOf(a.scores().labels(), 10),
                Arrays.copyOf(a.scores().scores(), 10));
        assertThatThrownBy(() -> new AttackOutcome("loss", "s", "gray-box", "raw", fewer, a.metrics(), null))
                .hasMessageContaining("metrics count 300 members");
        assertThatThrownBy(() -> new ImageGallery("g", "", new float[3], 1, 1, 2, 2, 1, List.of()))
                .hasMessageContaining("3 pixels");
        assertThatThrownBy(() -> new Ablation("eps", List.of("1", "2"), List.of(new Ablation.Series("x",
                new double[] {1}, new double[] {1})))).hasMessageContaining("1 points for 2 values");
        assertThatThrownBy(() -> new TargetSummary("t", List.of(new Fact("a", "1"), new Fact("a", "2"))))
                .hasMessageContaining("'a' given twice");
    }

    /** Gaussian scores of `members` members and `nonMembers` non-members, members shifted by 1. */
    static AttackOutcome sized(String name, String access, String inference, int members, int nonMembers, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = members + nonMembers;
        List<String> ids = new ArrayList<>();
        boolean[] labels = new boolean[n];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i < members;
            scores[i] = rng.nextGaussian() + (labels[i] ? 1 : 0);
            ids.add("img-" + i);
        }
        return new AttackOutcome(name, "fine-tune", access, inference, new ScoresCsv(ids, labels, scores),
                MembershipMetrics.compute(labels, scores, 50, seed), null);
    }

    @Test
    void tprAtAnFprTheNonMembersCannotResolveIsNotReportedAnywhere() throws IOException {
        ReportWriter.write(report(List.of(sized("loss", "gray-box", "raw", 50, 50, 1)), List.of(), List.of()), dir);
        String html = html();
        assertThat(html).contains("TPR at 1% FPR not resolvable with 50 non-members (needs ≥ 101)",
                "with 50 non-members (needs ≥ 1001)", "start at FPR 1/50");
        assertThat(html).doesNotContain("TPR 0", "at 1% FPR.");
        assertThat(svg(html, "plot roc-log\"")).contains(">0.02<", ">0.1<").doesNotContain(">0.01<", ">0.001<");
        JsonNode a = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("attacks").get(0);
        for (String key : List.of("tpr_at_1pct_fpr", "tpr_at_0_1pct_fpr")) {
            assertThat(a.get(key).isNull()).isTrue();
            assertThat(a.get(key + "_ci").isNull()).isTrue();
            assertThat(a.get(key + "_reason").asText()).startsWith("not resolvable with 50 non-members");
        }
    }

    @Test
    void aHundredAndOneNonMembersResolveOnePercentButNotAPermille() throws IOException {
        // FPR < 1% admits one false positive only from 101 non-members on
        assertThat(sized("loss", "gray-box", "raw", 50, 100, 2).metrics().resolves(MembershipMetrics.FPR_1PCT))
                .isFalse();
        AttackOutcome o = sized("loss", "gray-box", "raw", 50, 101, 2);
        assertThat(o.metrics().resolves(MembershipMetrics.FPR_1PCT)).isTrue();
        assertThat(o.metrics().resolves(MembershipMetrics.FPR_01PCT)).isFalse();
        ReportWriter.write(report(List.of(o), List.of(), List.of()), dir);
        JsonNode a = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("attacks").get(0);
        assertThat(a.get("tpr_at_1pct_fpr").asDouble()).isEqualTo(o.metrics().tprAt1PctFpr());
        assertThat(a.get("tpr_at_0_1pct_fpr").isNull()).isTrue();
        assertThat(html()).contains("TPR " + Fmt.pct(o.metrics().tprAt1PctFpr()) + " at 1% FPR");
    }

    @Test
    void reportFilesAreReadableLikeAnyNewFileNotPrivateTempFiles() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        ReportWriter.write(report(threeAttacks(), List.of(), List.of()), dir);
        Set<PosixFilePermission> fresh = Files.getPosixFilePermissions(Files.createFile(dir.resolve("fresh")));
        for (String f : List.of(ReportWriter.HTML, ReportWriter.RESULTS, ReportWriter.SCORES)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(fresh);
        }
        // under the usual umask 022 that is 0644
        if (fresh.contains(PosixFilePermission.OTHERS_READ)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(ReportWriter.HTML))))
                    .startsWith("rw-r--r");
        }
    }

    /** Four kinds of attack, 16 in all, as the default audit runs them. */
    static List<AttackOutcome> sixteen() {
        List<AttackOutcome> all = new ArrayList<>();
        long seed = 10;
        for (String g : List.of("loss", "PIA", "PIAN", "SecMI")) {
            all.add(sized(g, "gray-box", "raw", 50, 100, seed++));
        }
        for (String family : List.of("img2img", "label-only generation")) {
            for (String labels : List.of("true labels", "predicted labels")) {
                for (String inf : List.of("threshold", "gaussian-lr", "mlp")) {
                    AttackOutcome o = sized(family, "black-box", inf, 50, 100, seed++);
                    all.add(new AttackOutcome(o.name(), labels, o.access(), inf, o.scores(), o.metrics(), null));
                }
            }
        }
        return all;
    }

    @Test
    void rocPlotsGroupCurvesWithOneColourEachAndLegendsBelowTheFrame() throws IOException {
        ReportWriter.write(report(sixteen(), List.of(), List.of()), dir);
        String html = html();
        assertThat(count(html, "<svg class=\"plot roc\"")).isEqualTo(3);
        assertThat(count(html, "<svg class=\"plot roc-log\"")).isEqualTo(3);
        assertThat(html).contains("ROC · gray-box attacks", "ROC · black-box: img2img",
                "ROC log-log · black-box: label-only generation");
        Pattern svgs = Pattern.compile("<svg class=\"plot [^\"]*\".*?</svg>", Pattern.DOTALL);
        Matcher m = svgs.matcher(html);
        int plots = 0;
        while (m.find()) {
            plots++;
            String svg = m.group();
            List<String> strokes = new ArrayList<>();
            Matcher c = Pattern.compile("<polyline class=\"curve[^\"]*\" data-name=\"[^\"]*\" stroke=\"([^\"]+)\"")
                    .matcher(svg);
            while (c.find()) {
                strokes.add(c.group(1));
            }
            assertThat(strokes).doesNotHaveDuplicates();
            assertLegendBelowFrame(svg);
        }
        assertThat(plots).isEqualTo(6 + 16);
    }

    /** Every legend element lies below the frame: none can cover a curve, which the frame clamps. */
    private static void assertLegendBelowFrame(String svg) {
        Matcher f = Pattern.compile("<rect class=\"frame\" x=\"[\\d.]+\" y=\"([\\d.]+)\" width=\"[\\d.]+\" height=\"([\\d.]+)\"")
                .matcher(svg);
        assertThat(f.find()).isTrue();
        double bottom = Double.parseDouble(f.group(1)) + Double.parseDouble(f.group(2));
        int g = svg.indexOf("<g class=\"legend\">");
        assertThat(g).as("legend").isNotNegative();
        Matcher y = Pattern.compile(" y1?=\"([\\d.]+)\"").matcher(svg.substring(g));
        while (y.find()) {
            assertThat(Double.parseDouble(y.group(1))).isGreaterThan(bottom);
        }
    }

    @Test
    void longTitlesWrapInsideTheirPlot() throws IOException {
        List<AttackOutcome> attacks = sixteen();
        ReportWriter.write(report(attacks, List.of(), List.of()), dir);
        String hist = svg(html(), "plot hist\" viewBox=\"0 0 340");
        assertThat(SvgPlot.wrap("label-only generation · predicted labels · gaussian-lr", 34))
                .containsExactly("label-only generation · predicted", "labels · gaussian-lr");
        Matcher plot = Pattern.compile("viewBox=\"0 0 (\\d+) \\d+\"[^>]*>\n<text class=\"title\">(.*?)</text>")
                .matcher(html());
        int plots = 0;
        while (plot.find()) {
            plots++;
            int width = Integer.parseInt(plot.group(1));
            for (String line : plot.group(2).split("</tspan>")) {
                // a 13 px bold title stays within 7.8 px a character; it starts 62 px in
                int chars = line.replaceAll("<[^>]+>", "").replace("&amp;", "&").length();
                assertThat(62 + chars * 7.8).as(line).isLessThanOrEqualTo(width);
            }
        }
        assertThat(plots).isEqualTo(6 + 16);
        assertThat(hist).contains("<tspan");
    }

    @Test
    void ablationsDrawOnlyAttacksTheParameterAffects() throws IOException {
        Ablation ab = new Ablation("metric", List.of("neg_l2", "ssim"), List.of(new Ablation.Series(
                "img2img · threshold", new double[] {0.9, 0.8}, new double[] {0.2, 0.1})), List.of("loss", "PIA"));
        ReportWriter.write(report(threeAttacks(), List.of(), List.of(ab)), dir);
        String html = html();
        assertThat(html).contains("Not drawn: loss, PIA (their scores are the same at every value of metric)");
        assertThat(svg(html, "plot ablation ablation-auc")).contains("data-name=\"img2img · threshold\"")
                .doesNotContain("data-name=\"loss\"");
        JsonNode j = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("ablations").get(0);
        assertThat(j.get("unaffected")).hasSize(2);
    }

    @Test
    void theHeaderNamesWhereTheNumbersWereComputed() throws IOException {
        AuditReport r = report(threeAttacks(), List.of(), List.of()).withComputedOn(List.of(
                new Fact("engine path", "padded (chosen by the engine check, checks passed)"),
                new Fact("host", "AMD EPYC, pytorch 2.7.1, threads 2")));
        ReportWriter.write(r, dir);
        assertThat(html()).contains("<p class=\"computed-on\">Computed on engine path: <b>padded (chosen by the"
                + " engine check, checks passed)</b> · host: <b>AMD EPYC, pytorch 2.7.1, threads 2</b></p>");
        JsonNode j = Json.MAPPER.readTree(dir.resolve(ReportWriter.RESULTS).toFile()).get("computed_on");
        assertThat(j.get("engine path").asText()).startsWith("padded");
        assertThat(j.get("host").asText()).startsWith("AMD EPYC");
    }

    private static double[] dataPoint(String p, double x0, double y0, double w, double h) {
        String[] xy = p.split(",");
        return new double[] {(Double.parseDouble(xy[0]) - x0) / w, (y0 + h - Double.parseDouble(xy[1])) / h};
    }

    private static String svg(String html, String cls) {
        int start = html.indexOf("<svg class=\"" + cls);
        assertThat(start).isNotNegative();
        return html.substring(start, html.indexOf("</svg>", start));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
