package org.diffleak.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.engine.CheckResult;
import org.diffleak.core.engine.EngineVerdict;
import org.diffleak.core.util.Json;
import org.diffleak.torch.runtime.EngineCheck;
import org.diffleak.torch.runtime.NativeMemory;
import org.diffleak.torch.runtime.TorchRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Checks the tensor engine on this host: "
        + "every op the networks use, on every convolution path, against float64; names the path runs take. "
        + "Exit 0 when a path is correct, 3 when none is.")
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print {ok, path, host, checks: [{name, path, rel_error, ok}]}")
    boolean json;

    @Option(names = "--recheck", description = "run the checks again instead of reading this host's cached verdict")
    boolean recheck;

    @Override
    public Integer call() throws Exception {
        TorchRuntime.startEngine();
        EngineVerdict v;
        long start = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine(TorchRuntime.ENGINE).defaultDevice(),
                TorchRuntime.ENGINE)) {
            v = EngineCheck.all(TorchRuntime.host(), DataFetcher.defaultCacheDir(), recheck, m);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(v));
        } else {
            String last = "";
            for (CheckResult c : v.checks()) {
                if (!c.path().equals(last)) {
                    long failed = v.checks().stream().filter(x -> x.path().equals(c.path()) && !x.ok()).count();
                    out.printf("%s: %s%n", c.path(), failed == 0 ? "ok" : failed + " check(s) failed");
                    last = c.path();
                }
                if (!c.ok()) {
                    out.println("  FAILED " + c.describe());
                }
            }
            out.printf("host: %s%n", v.host());
            out.printf("native memory: %s%n", NativeMemory.fact().value());
            out.printf("path: %s (%s, %.2f s)%n", v.ok() ? v.path() : "none is correct",
                    v.ok() ? "runs use it" : "runs stop", seconds);
        }
        out.flush();
        return v.ok() ? 0 : 3;
    }
}
