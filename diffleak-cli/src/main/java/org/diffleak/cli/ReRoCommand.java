package org.diffleak.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.reconstruction.ReRoBound;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Seeds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rero", mixinStandardHelpOptions = true,
        description = "Reconstruction-robustness bound γ of DP-SGD: the most often any attack can succeed when the "
                + "prior alone succeeds with probability κ (Monte Carlo, and the μ-GDP closed form).")
final class ReRoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--noise-multiplier"}, required = true, description = "σ > 0")
    double sigma;

    @Option(names = {"-q", "--sample-rate"}, required = true, description = "Poisson sampling rate q in (0, 1]")
    double sampleRate;

    @Option(names = "--steps", required = true, description = "optimizer steps T")
    long steps;

    @Option(names = "--kappa", required = true, description = "the prior's baseline success κ in (0, 1)")
    double kappa;

    @Option(names = "--samples", defaultValue = "100000", description = "Monte Carlo samples (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the Monte Carlo draws (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Override
    public Integer call() {
        double mu = ReRoBound.mu(sigma, sampleRate, steps);
        double gdp = ReRoBound.gdp(mu, kappa);
        if (samples * (double) steps > 5e10) {
            throw new IllegalArgumentException("--samples × --steps = " + samples * (double) steps
                    + " is too much work (at most 5e10)");
        }
        ReRoBound.Estimate mc = ReRoBound.dpSgd(sigma, sampleRate, steps, kappa, samples,
                Seeds.of(seed).child("rero").random());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("gamma_dpsgd", mc.gamma());
        r.put("gamma_dpsgd_stderr", mc.standardError());
        r.put("samples", mc.samples());
        r.put("gamma_gdp", gdp);
        r.put("mu", mu);
        r.put("kappa", kappa);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.toJson(r).replaceAll("\\s+", " "));
        } else {
            out.printf("γ (DP-SGD, Monte Carlo, %d samples) = %.4f ± %.4f; γ (μ-GDP, μ = %.4g) = %.4f; κ = %g%n",
                    mc.samples(), mc.gamma(), mc.standardError(), mu, gdp, kappa);
        }
        return 0;
    }
}
