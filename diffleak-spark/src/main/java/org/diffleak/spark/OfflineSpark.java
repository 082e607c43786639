package org.diffleak.spark;

import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffleak.torch.runtime.NativeMemory;

/**
 * A Spark context that stays offline: no web UI, no event log, and in local mode every socket bound to the
 * loopback address. Settings a user passes (spark-submit --conf) win over these defaults.
 */
final class OfflineSpark {

    /** The master value that means "the one spark-submit set". */
    static final String FROM_CONF = "conf";

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?])?");
    private static final Pattern CLUSTER = Pattern.compile("(spark://\\S+|k8s://\\S+|yarn|local-cluster\\[\\d+,\\d+,\\d+])");

    private OfflineSpark() {}

    /** Throws a one-line IllegalArgumentException unless master is a Spark master URL (or {@link #FROM_CONF}). */
    private static void checkMaster(String master) {
        if (master == null || !(master.equals(FROM_CONF) || LOCAL.matcher(master).matches()
                || CLUSTER.matcher(master).matches())) {
            throw new IllegalArgumentException("--spark: '" + master + "' is not a Spark master URL (local[N],"
                    + " local[*], spark://HOST:PORT, yarn, k8s://URL, or no value under spark-submit)");
        }
    }

    /** The configuration for master with the offline defaults. */
    static SparkConf conf(String master) {
        checkMaster(master);
        SparkConf conf = new SparkConf().setAppName("diffleak audit");
        if (!master.equals(FROM_CONF)) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("--spark without a master runs under spark-submit, which sets one;"
                    + " give one here (e.g. --spark local[2])");
        }
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.eventLog.enabled", "false");
        // executors keep freed tensor memory like the driver (NativeMemory); an empty value keeps glibc's defaults
        String tunables = System.getenv("GLIBC_TUNABLES");
        conf.setIfMissing("spark.executorEnv.GLIBC_TUNABLES", tunables != null ? tunables : NativeMemory.GLIBC_TUNABLES);
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    /** Starts a context; a master that cannot be reached is one line. */
    static JavaSparkContext start(SparkConf conf) {
        try {
            return new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Spark master " + conf.get("spark.master") + ": cannot start: "
                    + e.getMessage(), e);
        }
    }
}
