package org.diffleak.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.io.DirectoryMode;
import org.diffleak.core.report.AuditReport;
import org.diffleak.core.report.ReportWriter;
import org.diffleak.torch.DiffLeak;
import org.diffleak.torch.audit.AuditPipeline;
import org.diffleak.torch.audit.ScaleOut;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job: trains (or loads from the cache) a target and shadow models, runs every"
                + " membership attack, fits the inference models on the shadows and writes index.html,"
                + " results.json, scores.csv and manifest.json. A second run only recomputes what changed.",
            "With --target it audits your own model instead: --members and --non-members give the images it was"
                + " and was not trained on; every attack the target's access allows runs, after a check that a"
                + " classifier which never touches the model cannot tell the two sets apart (docs/audit-your-model.md)."})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, description = "audit YAML (default: the embedded preset)")
    Path config;

    @Option(names = "--preset", defaultValue = "default",
            description = "embedded audit when no --config: default, tiny, null, ablations, dp, full or lira"
                    + " (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = {"-o", "--out"}, description = "report directory (default runs/audit-NAME)")
    Path out;

    @Option(names = "--private", description = "make the report directory owner-only (0700); its files are written"
            + " readable (0644 under the usual umask) so that a copied report can be shared")
    boolean privateDir;

    @Option(names = "--cache", defaultValue = "runs/cache",
            description = "models and signals cached by content hash (default ${DEFAULT-VALUE}); with --spark also a"
                    + " Hadoop filesystem URI (file://, hdfs://, s3a://, ...)")
    String cacheLocation;

    @Option(names = "--spark", arity = "0..1", fallbackValue = "conf", paramLabel = "MASTER",
            description = "train the target and shadows and compute their signals as Apache Spark tasks on MASTER"
                    + " (local[2], spark://HOST:PORT, yarn, ...; no value under spark-submit, which sets it);"
                    + " the same scores as without at the same thread count (docs/spark.md)")
    String spark;

    @Option(names = "--spark-threads", defaultValue = "1",
            description = "with --spark: intra-op threads of each task (default ${DEFAULT-VALUE})")
    int sparkThreads;

    @Mixin
    OwnModelOptions own;

    @Option(names = "--property",
            description = "also run property inference and the private sampler for this property (footwear, 5,7,9, ...)"
                    + " on the base model; report in OUT/property, summary in the audit page")
    String property;

    @Option(names = "--gradient-inversion",
            description = "also run user-level gradient inversion (diffleak invert, the base model as diffusion prior);"
                    + " report in OUT/gradient-inversion, summary in the audit page")
    boolean gradientInversion;

    @Option(names = "--invert-users", defaultValue = "20",
            description = "users of the gradient-inversion section (default ${DEFAULT-VALUE})")
    int invertUsers;

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        boolean uriCache = cacheLocation.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
        if (uriCache && spark == null) {
            throw new IllegalArgumentException("--cache " + cacheLocation + ": a URI cache needs --spark");
        }
        if (spark == null && spec.commandLine().getParseResult().hasMatchedOption("--spark-threads")) {
            throw new IllegalArgumentException("--spark-threads goes with --spark");
        }
        if (invertUsers < 1) {
            throw new IllegalArgumentException("--invert-users must be ≥ 1, got " + invertUsers);
        }
        long t0 = System.nanoTime();
        AuditRequest request = own.request(config, spec, property != null || gradientInversion);
        if (request != null && spark != null) {
            throw new IllegalArgumentException("--spark runs the audits DiffLeak trains; drop it with --target");
        }
        if (request == null) {
            own.refuseWithoutTarget(spec);
        }
        AuditConfig c = request == null ? (config != null ? AuditConfig.read(config) : AuditConfig.preset(preset)) : null;
        Path dir = out != null ? out : Path.of("runs", "audit-" + (request != null ? request.name() : c.name()));
        if (privateDir) {
            DirectoryMode.ownerOnly(dir);
        }
        Path cache = uriCache ? null : Path.of(cacheLocation);
        AuditReport report;
        if (request != null) {
            report = DiffLeak.audit(request, own.blackBox.access(request.target(), spec, null), dir, cache, log,
                    task -> ConsoleProgress.forConsole(log));
        } else {
            if (uriCache && (c.reconstruction() != null || property != null || gradientInversion)) {
                throw new IllegalArgumentException("--cache " + cacheLocation + ": the reconstruction, property and"
                        + " gradient-inversion sections run here and need a local --cache directory");
            }
            log.printf("audit %s: %s scenario, %d members vs %d non-members, %d shadow(s); cache %s%n", c.name(),
                    c.scenario(), c.candidates(), c.nonMemberCandidates(), c.shadows(), cacheLocation);
            AuditPipeline pipeline = AuditPipeline.of(c).log(log).progress(task -> ConsoleProgress.forConsole(log));
            if (cache != null) {
                pipeline.cache(cache);
            }
            if (spark != null) {
                pipeline.scaleOut(ScaleOut.find(), spark, cacheLocation, sparkThreads);
            }
            if (property != null) {
                pipeline.withProperty(property);
            }
            if (gradientInversion) {
                pipeline.withGradientInversion(invertUsers);
            }
            report = pipeline.run(dir);
        }
        AuditConsole.print(log, report.attacks());
        AuditConsole.printPrivacy(log, report.privacy());
        log.printf("audit done in %.1f min: report %s%n", (System.nanoTime() - t0) / 60e9,
                dir.resolve(ReportWriter.HTML).toAbsolutePath());
        return 0;
    }
}
