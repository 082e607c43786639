package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.util.Json;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.torch.audit.AuditPipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole audit on a tiny from-scratch job: report files, cache reuse, and the null preset's tolerance. */
class AuditCommandTest {

    @TempDir
    static Path dir;
    static Path images;

    @BeforeAll
    static void fixtures() throws IOException {
        images = SquareImages.write(dir.resolve("images"), 160);
    }

    private static Path config(String name, boolean nullTarget, int candidates, int steps) throws IOException {
        return config(name, nullTarget, candidates, steps, """
                ablations:
                  - {parameter: reconstruction.strength, values: ["0.1", "0.2"]}
                """);
    }

    /** The tiny audit; `tail` holds its ablations and the optional defense and canaries sections. */
    private static Path config(String name, boolean nullTarget, int candidates, int steps, String tail)
            throws IOException {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, """
                name: %s
                scenario: from-scratch
                data: {dataset: folder, path: %s, attributes: null, channels: 1, size: 16, split: all, limit: 0}
                splits: {members: %d, nonMembers: %d, auxiliary: 60, seed: 3}
                base: null
                model: {channels: 1, imageSize: 16, baseWidth: 8, multipliers: [1, 2], resBlocks: 1,
                        attention: false, numClasses: 0, groups: 4}
                schedule: {kind: linear, steps: 1000, betaStart: 1.0e-4, betaEnd: 0.02}
                target:
                  members: 12
                  classes: 2
                  train: {steps: %d, batchSize: 12, learningRate: 3.0e-3, warmupSteps: 2, weightDecay: 0.0,
                          gradClip: 1.0, emaDecay: 0.5, labelDropout: 0.1, checkpointEvery: 10, seed: 5}
                shadows: 2
                candidates: %d
                nullTarget: %s
                attacks:
                  loss: {t: 100, repeats: 1}
                  pia: {t: 200}
                  pian: {t: 200}
                  secmi: {t: 100, stride: 20}
                  reconstruction: {strength: 0.2, steps: 3, noisings: 1}
                  generation: {generations: 4, steps: 3}
                  labels: ["true", "predicted"]
                  metric: ssim
                  batch: 64
                encoder: {images: 40, steps: 10, batchSize: 16, learningRate: 2.0e-3, seed: 5}
                %sseed: 1
                """.formatted(name, images, Math.max(12, candidates), Math.max(12, candidates), steps, candidates,
                nullTarget, tail));
        return f;
    }

    @Test
    void writesTheReportAndASecondRunComesFromTheCache() throws IOException {
        Path cfg = config("tiny", false, 12, 20);
        Path out = dir.resolve("report");
        Path cache = dir.resolve("cache");
        Cli.Run first = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                cache.toString());
        assertThat(first.code()).as(first.err() + first.out()).isZero();
        for (String f : new String[] {"index.html", "results.json", "scores.csv", "manifest.json"}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        // 4 gray-box attacks; img2img and generation with true and predicted labels, 3 inference models each.
        assertThat(results.get("attacks")).hasSize(4 + 2 * 2 * 3);
        assertThat(results.get("ablations")).hasSize(1);
        assertThat(Files.readString(out.resolve("index.html"))).contains("<svg");
        assertThat(first.out()).contains("target: training on 12 images");

        Cli.Run second = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                cache.toString());
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(second.out()).contains("target: cached").doesNotContain("training on");
        assertThat(Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("attacks"))
                .isEqualTo(results.get("attacks"));
    }

    /** The library's audit, as docs/membership-inference.md shows it ("From Java"), on the tiny config. */
    @Test
    void theJavaPipelineWritesTheSameReport() throws IOException {
        Path cfg = config("java", false, 12, 20);
        Path out = dir.resolve("java-report");
        // --- as in the docs, with the tiny config in place of the default preset
        AuditConfig config = AuditConfig.read(cfg);
        AuditReport report = AuditPipeline.of(config)
                .cache(dir.resolve("java-cache"))
                .run(out);
        for (AttackOutcome a : report.attacks()) {
            System.out.printf("%s · %s: AUC %.3f%n", a.name(), a.inference(), a.metrics().auc());
        }
        // ---
        assertThat(report.attacks()).hasSize(4 + 2 * 2 * 3);
        for (String f : new String[] {"index.html", "results.json", "scores.csv", "manifest.json"}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        assertThat(report.ablations()).hasSize(1);
    }

    /** Drops every attack but loss and img2img with true labels, to keep a test quick. */
    @Test
    void lirasProtocolScoresThePoolWithCalibratedAttacks() throws IOException {
        Path cfg = config("lira-tiny", false, 12, 10, """
                ablations: []
                calibration: {pool: 24, population: 8, shadowCounts: [1, 2], seed: 2}
                """);
        keepTwoAttacks(cfg);
        Path out = dir.resolve("lira-report");
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                dir.resolve("lira-cache").toString());
        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("shadow 2: training on 12 images").contains("on 32 candidates");
        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        // loss and img2img, each raw, LiRA online, LiRA offline, RMIA and quantile regression, on the 24 pool images
        assertThat(results.get("attacks")).hasSize(2 * 5);
        for (JsonNode a : results.get("attacks")) {
            assertThat(a.get("members").asInt() + a.get("non_members").asInt()).isEqualTo(24);
        }
        assertThat(results.get("attacks").toString()).contains("LiRA online").contains("LiRA offline").contains("RMIA")
                .contains("quantile regression");
        // 12 non-members resolve neither 0.1% nor 1% FPR: no scaling by shadows to show
        assertThat(results.has("shadow_scaling")).isFalse();
        assertThat(Files.readString(out.resolve("index.html")))
                .contains("protocol: the target was trained from scratch on a random half of a pool of 24 images");
        Cli.Run bad = Cli.run("audit", "--config", config("lira-bad", false, 12, 10, """
                ablations: []
                calibration: {pool: 20, population: 8, shadowCounts: [1], seed: 2}
                """).toString(), "--out", dir.resolve("lira-bad").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("target.members must be 10");
    }

    private static void keepTwoAttacks(Path cfg) throws IOException {
        Files.writeString(cfg, Files.readString(cfg).replaceAll("(?m)^  (pia|pian|secmi|generation): .*\\n", "")
                .replace("labels: [\"true\", \"predicted\"]", "labels: [\"true\"]"));
    }

    @Test
    void theReconstructionSectionReleasesMembersUnderDpAndLinksItsReport() throws IOException {
        // a public base: the target of a from-scratch audit on the same folder
        Path cache = dir.resolve("rec-cache");
        Path baseRun = dir.resolve("rec-base");
        Path baseCfg = config("rec-base", false, 12, 20, "");
        keepTwoAttacks(baseCfg);
        Cli.Run base = Cli.run("audit", "--config", baseCfg.toString(), "--out", baseRun.toString(), "--cache",
                cache.toString());
        assertThat(base.code()).as(base.err() + base.out()).isZero();
        Path baseModel;
        try (var models = Files.list(cache.resolve("models"))) {
            baseModel = models.map(p -> p.resolve("model")).filter(Files::isDirectory).sorted().findFirst().orElseThrow();
        }
        Path cfg = config("rec", false, 12, 10, """
                reconstruction: {epsilons: ["8", "inf"], images: 4, mechanism: image, ddimSteps: 3, samples: 2,
                                 bank: 8, seed: 2}
                """);
        keepTwoAttacks(cfg);
        Files.writeString(cfg, Files.readString(cfg).replace("scenario: from-scratch", "scenario: fine-tune")
                .replace("base: null", "base: " + baseModel));
        Path out = dir.resolve("rec-report");
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                cache.toString());
        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(out.resolve("reconstruction/index.html")).isRegularFile();
        assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"reconstruction\"",
                "href=\"reconstruction/index.html\"");
        JsonNode rows = Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("sections")
                .get("reconstruction").get("rows");
        assertThat(rows).hasSize(2);
        // without noise every attack returns the image
        assertThat(rows.get(1).get("ε").asText()).isEqualTo("∞");
        assertThat(rows.get(1).get("SSIM diffusion").asText()).isEqualTo("1.000");
        assertThat(Double.parseDouble(rows.get(0).get("SSIM naive").asText())).isLessThan(0.5);
        // the recommended-ε box reads the section's own results.json: one finite ε, so either it or nothing
        JsonNode box = Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("recommended_epsilon");
        assertThat(box).hasSize(1);
        JsonNode entry = box.get(0);
        assertThat(entry.get("source").asText()).isEqualTo("reconstruction");
        if (entry.get("epsilon").isNull()) {
            assertThat(entry.get("reason").asText()).startsWith("even the smallest measured ε (ε = 8)");
        } else {
            assertThat(entry.get("epsilon").asDouble()).isEqualTo(8);
        }
        assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"recommended-epsilon\"",
                "mean SSIM ≤ 0.5");
    }

    @Test
    void aSectionThatNeedsABaseModelIsRefusedBeforeAnyTraining() throws IOException {
        Path cfg = config("no-base", false, 12, 10, "");
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--gradient-inversion", "--out",
                dir.resolve("no-base-report").toString(), "--cache", dir.resolve("no-base-cache").toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err()).contains("gradient inversion needs the fine-tune scenario");
        assertThat(run.out()).doesNotContain("training");
        Cli.Run prop = Cli.run("audit", "--config", cfg.toString(), "--property", "class0", "--out",
                dir.resolve("no-base-report").toString(), "--cache", dir.resolve("no-base-cache").toString());
        assertThat(prop.code()).isNotZero();
        assertThat(prop.err()).contains("property inference needs the fine-tune scenario");
    }

    @Test
    void theNullPresetKeepsEveryAucWithinItsNullTolerance() throws IOException {
        int n = 60;
        Path cfg = config("null-check", true, n, 20);
        Path out = dir.resolve("null-report");
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                dir.resolve("cache").toString());
        assertThat(run.code()).as(run.err() + run.out()).isZero();
        double tolerance = Math.max(0.05, 4 * MembershipMetrics.nullAucStandardError(n, n));
        for (JsonNode a : Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("attacks")) {
            assertThat(a.get("auc").asDouble()).as(a.get("name").asText() + " " + a.get("scenario").asText())
                    .isBetween(0.5 - tolerance, 0.5 + tolerance);
        }
    }

    @Test
    void aDpSgdDefenseIsSweptOverEpsilonBesideTheCanaryAudit() throws IOException {
        // two attacks keep it quick: a gray-box score and a black-box similarity (its threshold feature)
        Path cfg = config("dp", false, 12, 10, """
                ablations: []
                defense: {kind: dpsgd, epsilons: ["2", "inf"], delta: 1.0e-5, clip: 1.0}
                canaries: {count: 16, kind: noise, seed: 3}
                """);
        keepTwoAttacks(cfg);
        Path out = dir.resolve("dp-report");
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--out", out.toString(), "--cache",
                dir.resolve("dp-cache").toString());
        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("with DP-SGD (target ε = 2", " on 16 canaries");
        // ε = ∞ is the main, non-private run: its models and signals come from the cache
        String inf = run.out().substring(run.out().indexOf("ablation defense.epsilon = inf"));
        assertThat(inf).contains("target: cached").doesNotContain("training on");

        JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
        // loss, and img2img with three inference models
        assertThat(results.get("attacks")).hasSize(4);
        JsonNode eps = results.get("ablations").get(0);
        assertThat(eps.get("parameter").asText()).isEqualTo("ε (DP-SGD)");
        assertThat(eps.get("values")).extracting(JsonNode::asText).containsExactly("2", "∞");
        assertThat(eps.get("series")).hasSize(results.get("attacks").size());
        for (JsonNode s : eps.get("series")) {
            assertThat(s.get("auc")).allMatch(JsonNode::isNumber);
            // 12 non-members cannot resolve 1% FPR: no TPR is drawn or written
            assertThat(s.get("tpr_at_1pct_fpr")).allMatch(JsonNode::isNull);
        }
        JsonNode privacy = results.get("privacy");
        assertThat(privacy).hasSize(2);
        JsonNode dp = privacy.get(0);
        assertThat(dp.get("setting").asText()).isEqualTo("DP-SGD, target ε = 2");
        assertThat(dp.get("private").asBoolean()).isTrue();
        assertThat(dp.get("accountant_epsilon").asDouble()).isBetween(1.99, 2.0);
        assertThat(dp.get("steps").asInt()).isEqualTo(10);
        assertThat(privacy.get(1).get("private").asBoolean()).isFalse();
        int inserted = dp.get("canary_audit").get("inserted").asInt();
        assertThat(run.out()).contains("target: training on " + (12 + inserted) + " images");
        for (JsonNode row : privacy) {
            JsonNode c = row.get("canary_audit");
            assertThat(c.get("canaries").asInt()).isEqualTo(16);
            assertThat(c.get("inserted").asInt()).isEqualTo(inserted);
            assertThat(c.get("epsilon_lower_bound").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(c.get("correct").asInt()).isLessThanOrEqualTo(c.get("guesses").asInt());
            assertThat(row.get("bound_violated").asBoolean()).isFalse();
        }
        assertThat(Files.readString(out.resolve("index.html"))).contains("id=\"privacy\"", "ablation-auc",
                "id=\"recommended-epsilon\"", "TPR at FPR 1% ≤ τ = 0.1");
        assertThat(run.out()).contains("ε accountant", "DP-SGD, target ε = 2", "≤ ");
        // every attack's TPR interval per privacy row, which diffleak recommend reads
        for (JsonNode row : privacy) {
            assertThat(row.get("attacks")).hasSize(results.get("attacks").size());
            for (JsonNode a : row.get("attacks")) {
                JsonNode ci = a.get("tpr_at_1pct_fpr_ci");
                assertThat(ci.get(1).asDouble()).isBetween(ci.get(0).asDouble(), 1.0);
            }
        }
        assertThat(results.get("recommended_epsilon").get(0).get("source").asText()).isEqualTo("audit");
        Cli.Run rec = Cli.run("recommend", "--max-tpr", "0.5", "--from", out.toString(), "--json");
        if (rec.code() == 0) {
            assertThat(Json.MAPPER.readTree(rec.out()).get("epsilon").asDouble()).isBetween(1.99, 2.0);
        } else {
            assertThat(rec.err().strip()).startsWith("diffleak: error: even the smallest measured ε (DP-SGD, target"
                    + " ε = 2)").doesNotContain("\n");
        }
    }

    @Test
    void aBadDefenseIsOneLineBeforeAnyTraining() throws IOException {
        Path cfg = config("bad-dp", false, 12, 20, """
                ablations: []
                defense: {kind: dpsgd, epsilons: ["0"], delta: 1.0e-5, clip: 1.0}
                """);
        Cli.Run run = Cli.run("audit", "--config", cfg.toString(), "--out", dir.resolve("bad").toString(),
                "--cache", dir.resolve("bad-cache").toString());
        assertThat(run.code()).isNotZero();
        assertThat(run.err().strip()).startsWith("diffleak: error: ").contains("ε must be a number > 0 or inf, got 0")
                .doesNotContain("\n");
        assertThat(dir.resolve("bad-cache")).doesNotExist();
    }
}
