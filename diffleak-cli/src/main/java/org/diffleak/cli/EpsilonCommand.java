package org.diffleak.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.privacy.Accountant;
import org.diffleak.core.privacy.GdpAccountant;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "epsilon", mixinStandardHelpOptions = true,
        description = "ε spent by DP-SGD (Poisson-subsampled Gaussian) after T steps, by the RDP or GDP accountant.")
final class EpsilonCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AccountantOptions opts;

    @Option(names = {"-s", "--noise-multiplier"}, required = true, description = "σ > 0")
    double sigma;

    @Override
    public Integer call() {
        Accountant a = opts.factory().get();
        a.step(sigma, opts.sampleRate, opts.steps);
        Map<String, Object> r = new LinkedHashMap<>();
        if (a instanceof RdpAccountant rdp) {
            RdpAccountant.Spent s = rdp.spent(opts.delta);
            r.put("epsilon", s.epsilon());
            r.put("best_order", s.bestOrder());
        } else {
            r.put("epsilon", a.epsilon(opts.delta));
            r.put("mu", ((GdpAccountant) a).mu());
        }
        var out = spec.commandLine().getOut();
        if (opts.json) {
            out.println(Json.toJson(r).replaceAll("\\s+", " "));
        } else {
            out.printf("ε = %.6g at δ = %g (%s accountant, σ = %g, q = %g, %d steps)%s%n", (double) r.get("epsilon"),
                    opts.delta, opts.accountant, sigma, opts.sampleRate, opts.steps,
                    r.containsKey("best_order") ? ", best order " + r.get("best_order") : ", μ = " + r.get("mu"));
        }
        return 0;
    }
}
