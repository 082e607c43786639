package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

class PrivacyCommandsTest {

    @Test
    void epsilonJson() throws Exception {
        Cli.Run r = Cli.run("epsilon", "--accountant", "rdp", "--noise-multiplier", "1.1", "--sample-rate",
                "0.004", "--steps", "15000", "--delta", "1e-5", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        // Abadi et al.'s MNIST setting (q = 256/60000, σ = 1.1, 60 epochs): RDP gives ε ≈ 3
        assertThat(j.get("epsilon").asDouble()).isBetween(2.0, 4.0);
        assertThat(j.get("best_order").asDouble()).isGreaterThan(1);
        Cli.Run g = Cli.run("epsilon", "--accountant", "gdp", "-s", "1.1", "-q", "0.004", "--steps", "15000",
                "--delta", "1e-5", "--json");
        assertThat(Json.MAPPER.readTree(g.out()).get("epsilon").asDouble()).isPositive();
    }

    @Test
    void noiseInvertsEpsilon() throws Exception {
        Cli.Run r = Cli.run("noise", "--target-epsilon", "3", "--delta", "1e-5", "--sample-rate", "0.01",
                "--steps", "1000", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        double sigma = Json.MAPPER.readTree(r.out()).get("noise_multiplier").asDouble();
        Cli.Run e = Cli.run("epsilon", "-s", Double.toString(sigma), "-q", "0.01", "--steps", "1000",
                "--delta", "1e-5", "--json");
        assertThat(Json.MAPPER.readTree(e.out()).get("epsilon").asDouble()).isBetween(2.99, 3.0);
    }

    @Test
    void badPrivacyInputIsOneLineAndNonZero() {
        for (String[] args : new String[][] {
            {"epsilon", "-s", "0", "-q", "0.01", "--steps", "10", "--delta", "1e-5"},
            {"epsilon", "-s", "1", "-q", "1.5", "--steps", "10", "--delta", "1e-5"},
            {"epsilon", "-s", "1", "-q", "0.01", "--steps", "0", "--delta", "1e-5"},
            {"epsilon", "-s", "1", "-q", "0.01", "--steps", "10", "--delta", "1"},
            {"epsilon", "-s", "NaN", "-q", "0.01", "--steps", "10", "--delta", "1e-5"},
            {"noise", "-e", "-2", "-q", "0.01", "--steps", "10", "--delta", "1e-5"},
            {"epsilon", "--accountant", "pld", "-s", "1", "-q", "0.01", "--steps", "10", "--delta", "1e-5"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    @Test
    void rocFromScoresFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("scores.csv");
        java.nio.file.Files.writeString(f, "id,label,score\na,1,0.9\nb,1,0.4\nc,0,0.5\nd,0,0.1\n");
        Cli.Run r = Cli.run("roc", "--scores", f.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertThat(j.get("auc").asDouble()).isEqualTo(0.75);
        assertThat(j.get("tpr_at_1pct_fpr").asDouble()).isEqualTo(0.5);
        assertThat(j.get("balanced_accuracy").asDouble()).isEqualTo(0.75);
        java.nio.file.Files.writeString(f, "id,label\na,1\n");
        Cli.Run bad = Cli.run("roc", "--scores", f.toString());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err().strip()).contains("scores.csv:1").doesNotContain("\n");
    }
}
