package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.diffleak.core.privacy.SpecialFunctions;
import org.diffleak.core.recommend.SweepFixtures;
import org.diffleak.core.reconstruction.ReRoBound;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecommendCommandTest {

    @TempDir
    static Path dir;
    static Path audit;
    static Path plainAudit;
    static Path recon;

    /**
     * An audit whose DP-SGD sweep at ε = 1, 4, 8, ∞ has upper 95% bounds of TPR at 1% FPR (loss, SecMI) of
     * (0.03, 0.05), (0.06, 0.08), (0.20, 0.12), (0.5, 0.6); the same audit without the sweep; a reconstruction
     * study whose diffusion attacker's SSIM upper bounds are 0.25, 0.35, 0.5, 0.65 at ε = 1, 2, 4, 8.
     */
    @BeforeAll
    static void fixtures() {
        audit = SweepFixtures.audit(dir.resolve("audit"), true);
        plainAudit = SweepFixtures.audit(dir.resolve("plain"), false);
        recon = SweepFixtures.reconstruction(dir.resolve("recon"));
    }

    @Test
    void boundAloneMatchesTheClosedFormAtOneFullBatchStep() throws Exception {
        Cli.Run r = Cli.run("recommend", "--max-rero", "0.2", "--kappa", "0.01", "--sample-rate", "1",
                "--steps", "1", "--delta", "1e-5", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("source").asText()).isEqualTo("rero_bound");
        // q = 1: the exact μ = √T/σ is tight and binds
        assertThat(j.get("binding").asText()).isEqualTo("rero_gdp_exact");
        double sigmaGdp = j.get("gdp").get("noise_multiplier").asDouble();
        assertThat(ReRoBound.gdp(sigmaGdp, 1, 1, 0.01)).isCloseTo(0.2, within(1e-6));
        double muStar = SpecialFunctions.normalQuantile(0.2) - SpecialFunctions.normalQuantile(0.01);
        assertThat(sigmaGdp).isCloseTo(1 / muStar, within(1e-6));
        assertThat(j.get("noise_multiplier").asDouble()).isEqualTo(sigmaGdp);
        assertThat(j.get("epsilon").asDouble()).isPositive();
        Cli.Run human = Cli.run("recommend", "--max-rero", "0.2", "--kappa", "0.01", "-q", "1", "--steps", "1",
                "--delta", "1e-5");
        assertThat(human.out()).contains("Recommended ε =", "← binds", "It protects against", "it does not");
    }

    @Test
    void auditSweepInterpolatesAndSaysSo() throws Exception {
        Cli.Run r = Cli.run("recommend", "--max-tpr", "0.1", "--at-fpr", "0.01", "--from", audit.toString(),
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("source").asText()).isEqualTo("audit");
        assertThat(j.get("interpolated").asBoolean()).isTrue();
        assertThat(j.get("binding").asText()).isEqualTo("loss · fine-tune · raw");
        assertThat(j.get("epsilon").asDouble()).isCloseTo(4 * Math.pow(2, 0.04 / 0.14), within(1e-9));
        assertThat(j.get("noise_multiplier").asDouble()).isPositive();
        assertThat(j.get("points")).hasSize(4);
        assertThat(j.get("points").get(3).get("epsilon").asText()).isEqualTo("inf");
        Cli.Run human = Cli.run("recommend", "--max-tpr", "0.1", "--from", audit.toString());
        assertThat(human.code()).as(human.err()).isZero();
        assertThat(human.out()).contains("Recommended ε = 4.87", "interpolated in log ε", "→ 4.87",
                "recommended (interpolated in log ε)", "above", "within", "membership attacks this audit ran");
        // at 0.1% FPR the bounds are halved: every private level stays within 0.15, so the largest measured ε
        JsonNode low = Json.MAPPER.readTree(Cli.run("recommend", "--max-tpr", "0.15", "--at-fpr", "0.001",
                "--from", audit.toString(), "--json").out());
        assertThat(low.get("epsilon").asDouble()).isEqualTo(8);
        assertThat(low.get("interpolated").asBoolean()).isFalse();
    }

    @Test
    void reconstructionStudyFromItsDirectory() throws Exception {
        Cli.Run r = Cli.run("recommend", "--max-recon", "0.4", "--metric", "ssim", "--from", recon.toString(),
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("source").asText()).isEqualTo("reconstruction");
        assertThat(j.get("binding").asText()).isEqualTo("diffusion");
        assertThat(j.get("interpolated").asBoolean()).isTrue();
        assertThat(j.get("epsilon").asDouble()).isCloseTo(2 * Math.pow(2, 1 / 3.0), within(1e-9));
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        String a = audit.toString();
        for (String[] args : new String[][] {
            {"recommend", "--max-tpr", "0", "--from", a},
            {"recommend", "--max-tpr", "1", "--from", a},
            {"recommend", "--max-tpr", "1.5", "--from", a},
            {"recommend", "--max-recon", "-0.2", "--from", recon.toString()},
            {"recommend", "--max-rero", "0", "--kappa", "0.01", "-q", "1", "--steps", "1", "--delta", "1e-5"},
            {"recommend", "--max-rero", "1", "--kappa", "0.01", "-q", "1", "--steps", "1", "--delta", "1e-5"},
            {"recommend", "--max-rero", "0.005", "--kappa", "0.01", "-q", "1", "--steps", "1", "--delta", "1e-5"},
            {"recommend", "--max-rero", "0.1", "--kappa", "0.01"},
            {"recommend", "--max-tpr", "0.1"},
            {"recommend", "--max-tpr", "0.1", "--max-recon", "0.5", "--from", a},
            {"recommend"},
            {"recommend", "--max-tpr", "0.1", "--at-fpr", "0.05", "--from", a},
            {"recommend", "--max-tpr", "0.1", "--from", dir.resolve("missing").toString()},
            {"recommend", "--max-recon", "0.4", "--metric", "psnr", "--from", recon.toString()}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    @Test
    void auditWithoutSweepIsRefused() {
        Cli.Run r = Cli.run("recommend", "--max-tpr", "0.1", "--from", plainAudit.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("diffleak: error: the audit has no DP-SGD sweep").doesNotContain("\n");
    }

    @Test
    void smallestEpsilonAboveTheToleranceRecommendsNothing() {
        Cli.Run r = Cli.run("recommend", "--max-tpr", "0.04", "--from", audit.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err().strip()).startsWith("diffleak: error: even the smallest measured ε")
                .contains("no ε recommended").doesNotContain("\n");
        assertThat(r.out()).contains("above").doesNotContain("→", "Recommended ε");
        Cli.Run j = Cli.run("recommend", "--max-recon", "0.2", "--from", recon.toString(), "--json");
        assertThat(j.code()).isNotZero();
        assertThat(j.out()).isEmpty();
    }
}
