package org.diffleak.cli;

import java.util.function.Supplier;
import org.diffleak.core.privacy.Accountant;
import org.diffleak.core.privacy.GdpAccountant;
import org.diffleak.core.privacy.RdpAccountant;
import picocli.CommandLine.Option;

/** Options shared by the privacy commands. */
final class AccountantOptions {

    @Option(names = "--accountant", defaultValue = "rdp", description = "rdp or gdp (default ${DEFAULT-VALUE})")
    String accountant;

    @Option(names = {"-q", "--sample-rate"}, required = true, description = "Poisson sampling rate q in (0, 1]")
    double sampleRate;

    @Option(names = "--steps", required = true, description = "optimizer steps T")
    long steps;

    @Option(names = "--delta", required = true, description = "δ in (0, 1)")
    double delta;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    Supplier<Accountant> factory() {
        return switch (accountant) {
            case "rdp" -> RdpAccountant::new;
            case "gdp" -> GdpAccountant::new;
            default -> throw new IllegalArgumentException("--accountant must be rdp or gdp, got " + accountant);
        };
    }
}
