package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

class ReRoCommandTest {

    @Test
    void printsBothBoundsAsJson() throws Exception {
        Cli.Run r = Cli.run("rero", "--noise-multiplier", "2", "--sample-rate", "1", "--steps", "4",
                "--kappa", "0.05", "--samples", "50000", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        // q = 1: exactly (√T/σ)-GDP with √T/σ = 1, γ = Φ(Φ⁻¹(0.05) + 1) = Φ(−0.6449) = 0.2595, which the Monte Carlo
        // bound on the same mechanism reproduces (the CLT's √(T(e^{1/σ²} − 1)) = 1.066 would overstate it)
        assertThat(j.get("mu").asDouble()).isEqualTo(1.0);
        assertThat(j.get("gamma_gdp").asDouble()).isCloseTo(0.2595, within(1e-4));
        assertThat(j.get("gamma_dpsgd").asDouble()).isCloseTo(0.2595, within(4 * j.get("gamma_dpsgd_stderr").asDouble() + 1e-3));
        assertThat(j.get("samples").asInt()).isEqualTo(50000);
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        for (String[] args : new String[][] {
            {"rero", "-s", "1", "-q", "0.1", "--steps", "10", "--kappa", "0"},
            {"rero", "-s", "1", "-q", "0.1", "--steps", "10", "--kappa", "1.5"},
            {"rero", "-s", "-1", "-q", "0.1", "--steps", "10", "--kappa", "0.1"},
            {"rero", "-s", "1", "-q", "2", "--steps", "10", "--kappa", "0.1"},
            {"rero", "-s", "1", "-q", "0.1", "--steps", "0", "--kappa", "0.1"},
            {"rero", "-s", "1", "-q", "0.1", "--steps", "10", "--kappa", "0.1", "--samples", "5"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    @Test
    void reconstructRejectsBadInputInOneLine() {
        for (String[] args : new String[][] {
            {"reconstruct", "--epsilons", "1,x"},
            {"reconstruct", "--epsilons", "1,-2"},
            {"reconstruct", "--mechanism", "pixels"},
            {"reconstruct", "--images", "0"},
            {"reconstruct", "--process", "euler"},
            {"reconstruct", "--samples", "0"},
            {"reconstruct", "--consistency", "2"},
            {"reconstruct", "--eta", "0"},
            {"reconstruct", "--model", "no/such/model"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }
}
