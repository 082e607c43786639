package org.diffleak.torch.audit;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.diffleak.core.audit.AuditSignals;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.util.ProgressListener;

/**
 * Runs an audit's roles ({@link Audit#runRole}) as tasks of a cluster framework instead of one after another
 * in this process. The implementation (diffleak-spark) is found through {@link ServiceLoader}, so neither
 * torch nor the CLI depends on a cluster library.
 */
public interface ScaleOut {

    /**
     * The audit's signals, equal to {@link Audit#run()}'s in a single process at the same intra-op thread count.
     *
     * @param master where tasks run (for Spark: local[N], spark://HOST:PORT, yarn, ...; "conf" takes the one
     *     spark-submit set)
     * @param cache a local directory or a Hadoop filesystem URI (file://, hdfs://, s3a://, ...)
     * @param taskThreads intra-op threads of each task's engine
     */
    AuditSignals audit(AuditConfig config, String master, String cache, int taskThreads, PrintWriter log,
            Function<String, ProgressListener> progress);

    /** The scale-out on the class path; fails in one line when there is none. */
    static ScaleOut find() {
        return ServiceLoader.load(ScaleOut.class).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "--spark needs the diffleak-spark module on the class path (run ./diffleak, which adds it, or"
                        + " spark-submit its jar)"));
    }
}
