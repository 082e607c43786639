package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvertCommandTest {

    @Test
    void badInputIsOneLineAndNonZero() {
        for (String[] args : new String[][] {
            {"invert", "--users", "0"},
            {"invert", "--batch-size", "30,0"},
            {"invert", "--prior", "gan"},
            {"invert", "--dp-epsilon", "8,x"},
            {"invert", "--dp-epsilon", "-1"},
            {"invert", "--window", "20"},
            {"invert", "--iterations", "0"},
            {"invert", "--local-steps", "0"},
            {"invert", "--attribute-steps", "0"},
            {"invert", "--data-dir", "/no/such/dir"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }
}
