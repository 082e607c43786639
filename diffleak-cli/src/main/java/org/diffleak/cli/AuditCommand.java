package org.diffleak.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.diffleak.core.audit.AuditReportBuilder;
import org.diffleak.core.audit.AuditScoring;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.report.Ablation;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Provenance;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.audit.Audit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The main job: trains (or loads from the cache) a target and shadow models, runs every"
                + " membership attack, fits the inference models on the shadows and writes index.html,"
                + " results.json, scores.csv and manifest.json. A second run only recomputes what changed.")
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "audit YAML (default: the embedded preset)")
    Path config;

    @Option(names = "--preset", defaultValue = "default",
            description = "embedded audit when no --config: default, null or ablations (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = {"-o", "--out"}, description = "report directory (default runs/audit-NAME)")
    Path out;

    @Option(names = "--cache", defaultValue = "runs/cache",
            description = "models and signals cached by content hash (default ${DEFAULT-VALUE})")
    Path cache;

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        AuditConfig c = config != null ? AuditConfig.read(config) : AuditConfig.preset(preset);
        Path dir = out != null ? out : Path.of("runs", "audit-" + c.name());
        TorchRuntime.init();
        log.printf("audit %s: %s scenario, %d candidates per side, %d shadow(s); cache %s%n", c.name(), c.scenario(),
                c.candidates(), c.shadows(), cache);
        AuditSignals signals = run(c, log);
        List<AttackOutcome> outcomes = AuditScoring.outcomes(signals);
        List<Ablation> ablations = new ArrayList<>();
        for (AuditConfig.Ablation a : c.ablations()) {
            ablations.add(ablation(c, a, log));
        }
        AuditReport report = AuditReportBuilder.build(signals, outcomes, ablations);
        ReportWriter.write(report, dir);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("config", c);
        manifest.put("cache", cache.toAbsolutePath().toString());
        manifest.put("provenance", Provenance.collect(TorchRuntime.versions()));
        manifest.put("wall_seconds", (System.nanoTime() - t0) / 1e9);
        Json.write(dir.resolve("manifest.json"), manifest);
        print(log, outcomes);
        log.printf("audit done in %.1f min: report %s%n", (System.nanoTime() - t0) / 60e9,
                dir.resolve(ReportWriter.HTML).toAbsolutePath());
        return 0;
    }

    private AuditSignals run(AuditConfig c, PrintWriter log) {
        return new Audit(c, cache, log, task -> ConsoleProgress.forConsole(log)).run();
    }

    /** Reruns the audit with each value of the ablated parameter; cached models and signals are reused. */
    private Ablation ablation(AuditConfig c, AuditConfig.Ablation a, PrintWriter log) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (int v = 0; v < a.values().size(); v++) {
            String value = a.values().get(v);
            log.printf("ablation %s = %s%n", a.parameter(), value);
            AuditSignals s = run(c.with(a.parameter(), value), log);
            for (AttackOutcome o : AuditScoring.outcomes(s)) {
                double[][] pts = series.computeIfAbsent(AuditScoring.seriesKey(o), key -> {
                    double[][] p = new double[2][a.values().size()];
                    Arrays.fill(p[0], Double.NaN);
                    Arrays.fill(p[1], Double.NaN);
                    return p;
                });
                pts[0][v] = o.metrics().auc();
                pts[1][v] = o.metrics().tprAt1PctFpr();
            }
        }
        List<Ablation.Series> lines = series.entrySet().stream()
                .map(e -> new Ablation.Series(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
        return new Ablation(a.parameter(), a.values(), lines);
    }

    private static void print(PrintWriter log, List<AttackOutcome> outcomes) {
        log.printf("%-46s %-44s %-11s %6s %9s %9s%n", "attack", "scenario", "inference", "AUC", "TPR@1%", "TPR@0.1%");
        for (AttackOutcome o : outcomes) {
            log.printf("%-46s %-44s %-11s %6.3f %9.3f %9.3f%n", o.name(), o.scenario(), o.inference(),
                    o.metrics().auc(), o.metrics().tprAt1PctFpr(), o.metrics().tprAt01PctFpr());
        }
    }
}
