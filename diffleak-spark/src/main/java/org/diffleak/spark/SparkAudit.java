package org.diffleak.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.io.AtomicFiles;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.audit.Audit;
import org.diffleak.torch.audit.ScaleOut;

/**
 * The audit on Apache Spark. The driver trains (or loads) the encoder, then runs one task per role (the target
 * and each shadow: train or load the model, compute its signals into the cache, see {@link RoleTask}), then runs
 * the ordinary {@link Audit#run()}, which finds every model and signal cached: the same signals, hence the same
 * scores, as a single process at the tasks' intra-op thread count.
 */
public final class SparkAudit implements ScaleOut {

    /** Heap of each task's process (system property; default 2g). */
    public static final String TASK_HEAP_PROPERTY = "diffleak.spark.taskHeap";

    /** For ServiceLoader. */
    public SparkAudit() {}

    @Override
    public AuditSignals audit(AuditConfig config, String master, String cache, int taskThreads, PrintWriter log,
            Function<String, ProgressListener> progress) {
        SparkConf conf = OfflineSpark.conf(master);
        if (taskThreads < 1) {
            throw new IllegalArgumentException("--spark-threads must be ≥ 1, got " + taskThreads);
        }
        boolean remote = RemoteCache.isUri(cache);
        RemoteCache store = remote ? new RemoteCache(cache) : null;
        if (remote) {
            store.check();
        }
        Path local = remote ? tempDir() : Path.of(cache);
        try {
            Audit audit = new Audit(config, local, log, progress);
            if (remote) {
                store.pull("encoders/" + audit.encoderKey(), local);
            }
            audit.prepareEncoder();
            if (remote) {
                store.push(local);
            }
            int roles = audit.roleCount();
            String json = Json.toJson(config);
            String workDir = Path.of("").toAbsolutePath().toString();
            String heap = System.getProperty(TASK_HEAP_PROPERTY, "2g");
            List<RoleTask.Spec> specs = new ArrayList<>();
            for (int r = 0; r < roles; r++) {
                specs.add(new RoleTask.Spec(json, remote ? cache : local.toAbsolutePath().toString(), r,
                        audit.roleName(r), audit.modelKey(r), audit.encoderKey(), taskThreads, heap, workDir));
            }
            List<String> logs;
            try (JavaSparkContext sc = OfflineSpark.start(conf)) {
                log.printf("spark: %d role(s) as tasks on %s, %d intra-op thread(s) each%n", roles, sc.master(),
                        taskThreads);
                logs = sc.parallelize(specs, roles).map(RoleTask::run).collect();
            }
            for (int r = 0; r < roles; r++) {
                logs.get(r).lines().forEach(line -> log.println("  " + line));
            }
            if (remote) {
                IntStream.range(0, roles).forEach(r -> store.pull("models/" + audit.modelKey(r), local));
                store.pull("signals", local);
            }
            AuditSignals signals = audit.run();
            if (remote) {
                store.push(local);
            }
            return signals;
        } finally {
            if (remote) {
                try {
                    AtomicFiles.deleteRecursively(local);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete the local cache mirror " + local, e);
                }
            }
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("diffleak-cache-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a local cache mirror", e);
        }
    }
}
