package org.diffleak.core.recommend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.report.LinkedSection;
import org.diffleak.core.report.ReconstructionReportWriter;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepRecommendationTest {

    @TempDir
    Path dir;

    private RiskSweep audit(double fpr) throws IOException {
        Path d = SweepFixtures.audit(dir.resolve("audit"), true);
        return RiskSweep.fromAudit(Json.MAPPER.readTree(d.resolve(ReportWriter.RESULTS).toFile()), fpr);
    }

    private RiskSweep reconstruction(String metric) throws IOException {
        Path d = SweepFixtures.reconstruction(dir.resolve("recon"));
        return RiskSweep.fromReconstruction(Json.MAPPER.readTree(d.resolve(ReconstructionReportWriter.RESULTS)
                .toFile()), metric);
    }

    @Test
    void readsTheAuditSweepWithEveryAttacksUpperBound() throws IOException {
        RiskSweep s = audit(0.01);
        assertThat(s.levels()).extracting(RiskSweep.Level::epsilon).containsExactly(1.0, 4.0, 8.0,
                Double.POSITIVE_INFINITY);
        assertThat(s.levels().get(1).risks().get(SweepFixtures.SECMI).upper()).isEqualTo(0.08);
        assertThat(s.levels().get(2).worst()).isEqualTo(SweepFixtures.LOSS);
        assertThat(s.levels().get(0).sampleRate()).isEqualTo(SweepFixtures.SAMPLE_RATE);
        assertThat(audit(0.001).levels().get(1).risks().get(SweepFixtures.SECMI).upper()).isEqualTo(0.04);
    }

    @Test
    void interpolatesInLogEpsilonBetweenTheLastLevelWithinAndTheFirstAbove() throws IOException {
        SweepRecommendation.Result r = SweepRecommendation.recommend(audit(0.01), 0.1);
        // loss crosses 0.1 at t = (0.1 − 0.06)/(0.20 − 0.06) of the way from log 4 to log 8, before SecMI (t = 0.5)
        assertThat(r.interpolated()).isTrue();
        assertThat(r.binding()).isEqualTo(SweepFixtures.LOSS);
        assertThat(r.epsilon()).isCloseTo(4 * Math.pow(2, 0.04 / 0.14), within(1e-12));
        assertThat(r.where()).contains("interpolated", "target ε = 4", "target ε = 8");
        RdpAccountant a = new RdpAccountant();
        a.step(r.noiseMultiplier(), SweepFixtures.SAMPLE_RATE, SweepFixtures.STEPS);
        assertThat(a.epsilon(1e-5)).isCloseTo(r.epsilon(), within(1e-5 * r.epsilon()));
    }

    @Test
    void auditRecommendationIsMonotoneInTheTolerance() throws IOException {
        RiskSweep s = audit(0.01);
        double previous = 0;
        for (double tau : new double[] {0.05, 0.06, 0.07, 0.1, 0.15, 0.19, 0.2, 0.3, 0.9}) {
            double eps = SweepRecommendation.recommend(s, tau).epsilon();
            assertThat(eps).as("τ = %s", tau).isGreaterThanOrEqualTo(previous);
            previous = eps;
        }
        // at τ = 0.06 SecMI (0.08) already fails at ε = 4: between 1 and 4, loss at exactly τ does not bind
        SweepRecommendation.Result r = SweepRecommendation.recommend(s, 0.06);
        assertThat(r.binding()).isEqualTo(SweepFixtures.SECMI);
        assertThat(r.epsilon()).isCloseTo(Math.pow(4, 1 / 3.0), within(1e-9));
    }

    @Test
    void everyPrivateLevelWithinGivesTheLargestMeasuredEpsilon() throws IOException {
        SweepRecommendation.Result r = SweepRecommendation.recommend(audit(0.01), 0.25);
        assertThat(r.interpolated()).isFalse();
        assertThat(r.epsilon()).isEqualTo(8);
        assertThat(r.noiseMultiplier()).isEqualTo(0.8);
        assertThat(r.binding()).isEqualTo(SweepRecommendation.SWEEP_END);
        assertThat(r.where()).contains("every measured private level", "the non-private model does not");
    }

    @Test
    void smallestEpsilonAboveTheToleranceRecommendsNothing() throws IOException {
        RiskSweep s = audit(0.01);
        assertThatThrownBy(() -> SweepRecommendation.recommend(s, 0.04))
                .isInstanceOf(SweepRecommendation.NothingWithinTolerance.class)
                .hasMessageContaining("even the smallest measured ε (DP-SGD, target ε = 1)")
                .hasMessageContaining(SweepFixtures.SECMI).hasMessageContaining("no ε recommended");
        for (double bad : new double[] {0, 1, 2, -0.5, Double.NaN}) {
            assertThatThrownBy(() -> SweepRecommendation.recommend(s, bad)).hasMessageContaining("must be in (0, 1)");
        }
    }

    @Test
    void reconstructionUsesTheUpperBootstrapBoundOfTheDiffusionAttacker() throws IOException {
        RiskSweep s = reconstruction("ssim");
        assertThat(s.levels()).hasSize(5);
        assertThat(s.levels().get(1).risks().keySet()).containsExactly(RiskSweep.DIFFUSION_ATTACK);
        assertThat(s.levels().get(1).risks().get(RiskSweep.DIFFUSION_ATTACK).value()).isCloseTo(0.3, within(1e-12));
        assertThat(s.levels().get(1).risks().get(RiskSweep.DIFFUSION_ATTACK).upper()).isCloseTo(0.35, within(1e-12));
        SweepRecommendation.Result r = SweepRecommendation.recommend(s, 0.4);
        // upper bounds 0.35 at ε = 2 and 0.5 at ε = 4: a third of the way in log ε
        assertThat(r.interpolated()).isTrue();
        assertThat(r.epsilon()).isCloseTo(2 * Math.pow(2, 1 / 3.0), within(1e-9));
        RdpAccountant a = new RdpAccountant();
        a.step(r.noiseMultiplier(), 1, 1);
        assertThat(a.epsilon(1e-5)).isCloseTo(r.epsilon(), within(1e-5 * r.epsilon()));
        // encoder similarity 1 − distance: 0.5, 0.6, 0.7, 0.8; at τ = 0.75 between ε = 4 and 8
        SweepRecommendation.Result e = SweepRecommendation.recommend(reconstruction("encoder"), 0.75);
        assertThat(e.epsilon()).isCloseTo(4 * Math.pow(2, 0.5), within(1e-6));
    }

    @Test
    void auditPageShowsTheRecommendedEpsilonBoxAtTheDefaultTolerances() throws IOException {
        Path d = dir.resolve("page");
        SweepFixtures.reconstruction(d.resolve("reconstruction"));
        SweepFixtures.audit(d, true, new LinkedSection("reconstruction", "Reconstruction", "A study.",
                "reconstruction/index.html", List.of("ε"), List.of(List.of("1"))));
        String html = Files.readString(d.resolve(ReportWriter.HTML));
        assertThat(html).contains("id=\"recommended-epsilon\"", "Recommended ε", "<strong>ε = 4.88</strong>",
                "TPR at FPR 1% ≤ τ = 0.1", "interpolated in log ε", "mean SSIM ≤ 0.5", "<strong>ε = 4</strong>",
                "This is the default tolerance", "diffleak recommend --max-tpr");
        assertThat(html.indexOf("id=\"recommended-epsilon\"")).isGreaterThan(html.indexOf("id=\"privacy\""));
        JsonNode box = Json.MAPPER.readTree(d.resolve(ReportWriter.RESULTS).toFile()).get("recommended_epsilon");
        assertThat(box).hasSize(2);
        assertThat(box.get(0).get("source").asText()).isEqualTo(RiskSweep.AUDIT);
        assertThat(box.get(0).get("epsilon").asDouble()).isCloseTo(4 * Math.pow(2, 0.04 / 0.14), within(1e-9));
        assertThat(box.get(0).get("interpolated").asBoolean()).isTrue();
        assertThat(box.get(1).get("source").asText()).isEqualTo(RiskSweep.RECONSTRUCTION);
        assertThat(box.get(1).get("epsilon").asDouble()).isEqualTo(4);
        assertThat(box.get(1).get("interpolated").asBoolean()).isFalse();

        Path plain = SweepFixtures.audit(dir.resolve("plain-page"), false);
        assertThat(Files.readString(plain.resolve(ReportWriter.HTML))).doesNotContain("Recommended ε");
        assertThat(Json.MAPPER.readTree(plain.resolve(ReportWriter.RESULTS).toFile()).has("recommended_epsilon"))
                .isFalse();
    }

    @Test
    void badSourcesSayWhatIsMissing() throws IOException {
        Path plain = SweepFixtures.audit(dir.resolve("plain"), false);
        JsonNode j = Json.MAPPER.readTree(plain.resolve(ReportWriter.RESULTS).toFile());
        assertThatThrownBy(() -> RiskSweep.fromAudit(j, 0.01)).hasMessageContaining("no DP-SGD sweep");
        JsonNode sweep = Json.MAPPER.readTree(SweepFixtures.audit(dir.resolve("a"), true)
                .resolve(ReportWriter.RESULTS).toFile());
        assertThatThrownBy(() -> RiskSweep.fromAudit(sweep, 0.05)).hasMessageContaining("0.01 and 0.001 only");
        assertThatThrownBy(() -> RiskSweep.fromReconstruction(sweep, "ssim"))
                .hasMessageContaining("not the results.json of a reconstruction study");
        assertThatThrownBy(() -> reconstruction("psnr")).hasMessageContaining("ssim or encoder");
    }
}
