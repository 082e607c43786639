package org.diffleak.torch.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.engine.HostFingerprint;
import org.diffleak.torch.TorchRuntime;

/**
 * Runs the engine check in a child JVM that writes this host's verdict into the cache and exits. A run never
 * executes a kernel that may be faulty in its own process: on the host measured, the wrong oneDNN kernels read
 * memory they should not (their result changes with what was freed before them), and their allocations shift
 * what every later op of the process gets.
 */
public final class EngineCheckProcess {

    private EngineCheckProcess() {}

    /** Child entry point: checks every path for this host into the cache. */
    public static void main(String[] args) {
        TorchRuntime.startEngine();
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine(TorchRuntime.ENGINE).defaultDevice(),
                TorchRuntime.ENGINE)) {
            EngineCheck.all(TorchRuntime.host(), DataFetcher.defaultCacheDir(), false, m);
        }
        System.exit(0);
    }

    /**
     * Fills the cache for host from a child JVM with this JVM's class path, thread counts and environment,
     * unless it already holds every path's checks. Returns false when the child could not run (the caller
     * then checks in process).
     */
    public static boolean fillCache(HostFingerprint host, Path cacheDir, int threads, int interopThreads) {
        if (EngineCheck.cached(host, cacheDir)) {
            return true;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=" + interopThreads,
                "-cp", System.getProperty("java.class.path"), EngineCheckProcess.class.getName());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0 && EngineCheck.cached(host, cacheDir);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
