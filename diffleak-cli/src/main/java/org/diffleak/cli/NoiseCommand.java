package org.diffleak.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.privacy.NoiseCalibration;
import org.diffleak.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "noise", mixinStandardHelpOptions = true,
        description = "The smallest noise multiplier σ that keeps DP-SGD within a target (ε, δ).")
final class NoiseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AccountantOptions opts;

    @Option(names = {"-e", "--target-epsilon"}, required = true, description = "target ε > 0")
    double targetEpsilon;

    @Option(names = "--tolerance", defaultValue = "0.01", description = "ε may fall this far below the target (default ${DEFAULT-VALUE})")
    double tolerance;

    @Override
    public Integer call() {
        NoiseCalibration.Result r = NoiseCalibration.calibrate(opts.factory(), targetEpsilon, opts.delta,
                opts.sampleRate, opts.steps, tolerance);
        var out = spec.commandLine().getOut();
        if (opts.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("noise_multiplier", r.noiseMultiplier());
            m.put("epsilon", r.epsilon());
            out.println(Json.toJson(m).replaceAll("\\s+", " "));
        } else {
            out.printf("σ = %.6g gives ε = %.6g ≤ %g at δ = %g (%s accountant, q = %g, %d steps)%n",
                    r.noiseMultiplier(), r.epsilon(), targetEpsilon, opts.delta, opts.accountant, opts.sampleRate,
                    opts.steps);
        }
        return 0;
    }
}
