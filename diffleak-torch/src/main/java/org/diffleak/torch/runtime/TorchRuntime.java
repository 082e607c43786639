package org.diffleak.torch.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffleak.core.data.DataFetcher;
import org.diffleak.core.engine.CheckResult;
import org.diffleak.core.engine.EngineVerdict;
import org.diffleak.core.engine.HostFingerprint;
import org.diffleak.core.report.Fact;
import org.diffleak.torch.engine.ActiveConvPath;
import org.diffleak.torch.engine.ConvPath;
import org.diffleak.torch.engine.NativeLogging;
import org.diffleak.torch.runtime.EngineCheck;
import org.diffleak.torch.runtime.EngineCheckException;
import org.diffleak.torch.runtime.ImportedModelCheckException;

/**
 * The one seam to the PyTorch engine: offline mode, thread counts, engine versions, and the engine check
 * that picks a correct convolution path on this host. Call {@link #init()} before any NDManager is made;
 * it is idempotent.
 */
public final class TorchRuntime {

    public static final String ENGINE = "PyTorch";
    /** System property that forces a convolution path: auto, onednn, padded or gemm. */
    public static final String PATH_PROPERTY = "diffleak.engine.path";
    /** Environment variable with the same meaning, for the launcher (the property wins). */
    public static final String PATH_ENV = "DIFFLEAK_ENGINE_PATH";
    /** "warn": run a forced path even when its check fails (benchmarks of a wrong path only). */
    public static final String CHECK_PROPERTY = "diffleak.engine.check";

    private static volatile boolean engineStarted;
    private static volatile boolean started;
    private static volatile EngineVerdict verdict;

    private TorchRuntime() {}

    /**
     * Starts the engine offline with ai.djl.pytorch.num_threads = available cores and
     * num_interop_threads = 1 unless those properties are already set, then runs the engine check (cached
     * per host) and takes its path. Throws {@link EngineCheckException} when no path is correct.
     */
    public static synchronized void init() {
        if (started) {
            return;
        }
        startEngine();
        ConvPath requested = requestedPath();
        // the kernels under test run in a child JVM; this one reads the verdict from the cache
        fillCache(host(), DataFetcher.defaultCacheDir(), JniUtils.getNumThreads(),
                Integer.getInteger("ai.djl.pytorch.num_interop_threads", 1));
        EngineVerdict v;
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine(ENGINE).defaultDevice(), ENGINE)) {
            v = EngineCheck.select(requested, host(), DataFetcher.defaultCacheDir(), m);
        }
        verdict = v;
        ActiveConvPath.select(ConvPath.parse(v.path()));
        report(requested, v);
        // only now: after a failed check every later call stops again instead of running on a wrong path
        started = true;
    }

    /** Starts the engine without the check (for `diffleak doctor`, which checks every path itself). */
    public static synchronized void startEngine() {
        if (engineStarted) {
            return;
        }
        System.setProperty("ai.djl.offline", "true");
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", cores);
        int interop = Integer.getInteger("ai.djl.pytorch.num_interop_threads", 1);
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interop));
        Engine.getEngine(ENGINE);
        NativeLogging.apply();
        JniUtils.setNumThreads(threads);
        String advice = NativeMemory.advice();
        if (advice != null) {
            System.err.println(advice);
        }
        engineStarted = true;
    }

    /** Says in one line when the path is not libtorch's own, and stops when no checked path is correct. */
    private static void report(ConvPath requested, EngineVerdict v) {
        String forced = requested == null ? "" : " (forced by " + PATH_PROPERTY + " / " + PATH_ENV + ")";
        if (!v.ok()) {
            CheckResult failed = v.checks().stream().filter(c -> !c.ok()).findFirst().orElseThrow();
            if ("warn".equals(System.getProperty(CHECK_PROPERTY)) && requested != null) {
                System.err.println("diffleak: engine: WARNING: path " + v.path() + forced + " failed its check ("
                        + failed.describe() + "); its results are wrong, used only because "
                        + CHECK_PROPERTY + "=warn");
                return;
            }
            throw new EngineCheckException("engine check failed on " + v.host() + ": " + failed.describe()
                    + (requested == null ? "; no convolution path is correct here" : "; path " + v.path() + forced
                    + " is wrong here") + " (details: diffleak doctor)");
        }
        if (requested != null) {
            System.err.println("diffleak: engine: path " + v.path() + forced + ", checked on this host");
        } else if (ActiveConvPath.get() != ConvPath.ONEDNN) {
            CheckResult failed = v.firstFailure(ConvPath.ONEDNN.id()).orElseThrow();
            System.err.println("diffleak: engine: libtorch's convolution failed its check on this host ("
                    + failed.describe() + "); using the checked " + v.path() + " path");
        }
    }

    static ConvPath requestedPath() {
        String s = System.getProperty(PATH_PROPERTY);
        if (s == null || s.isBlank()) {
            s = System.getenv(PATH_ENV);
        }
        return s == null || s.isBlank() || s.trim().equalsIgnoreCase("auto") ? null : ConvPath.parse(s);
    }

    /** What the verdict depends on: CPU, native versions, threads and any oneDNN ISA cap. */
    public static HostFingerprint host() {
        Engine engine = Engine.getEngine(ENGINE);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("pytorch", engine.getVersion());
        facts.put("djl", Engine.getDjlVersion());
        facts.put("threads", Integer.toString(JniUtils.getNumThreads()));
        String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
        if (isa != null) {
            facts.put("onednn-isa", isa);
        }
        facts.put("checks", EngineCheck.CHECKS_VERSION);
        return HostFingerprint.current(facts);
    }

    /**
     * Stops unless libtorch's own convolution forward is correct here on the given weight shapes: an
     * imported TorchScript model runs libtorch's kernels inside the module, where no path can reroute them.
     * Forward only, since imported models are only queried. With oneDNN capped at AVX2 (read when libtorch
     * loads) the forward is correct on the hosts measured where the uncapped kernels fail.
     */
    public static void requireLibtorchForward(String what, List<long[]> convWeightShapes) {
        init();
        List<CheckResult> checks;
        try (NDManager m = newManager()) {
            checks = EngineCheck.libtorchForward(convWeightShapes, host(), DataFetcher.defaultCacheDir(), m);
        }
        checks.stream().filter(c -> !c.ok()).findFirst().ifPresent(c -> {
            throw new ImportedModelCheckException(what + " runs libtorch's own convolution, whose forward failed "
                    + "its check on this host for one of its layers (" + c.describe() + ")");
        });
    }

    /**
     * Where results are computed, for report headers and manifests: "engine path" (the convolution path, how it
     * was chosen and whether its check passed), "host" (CPU, engine versions, threads) and "native memory"
     * ({@link NativeMemory}).
     */
    public static List<Fact> computedOn() {
        EngineVerdict v = verdict();
        String how = requestedPath() == null ? "chosen by the engine check" : "forced by " + PATH_ENV;
        return List.of(new Fact("engine path", v.path() + " (" + how + (v.ok() ? ", checks passed)" : ", check FAILED)")),
                new Fact("host", v.host()), NativeMemory.fact());
    }

    /** The convolution path the engine check chose (or the one forced). */
    public static ConvPath convPath() {
        if (!started) {
            init();
        }
        return ActiveConvPath.get();
    }

    /** The engine check's verdict for this process. */
    public static EngineVerdict verdict() {
        init();
        return verdict;
    }

    public static NDManager newManager() {
        init();
        return NDManager.newBaseManager(Engine.getEngine(ENGINE).defaultDevice(), ENGINE);
    }

    /** Engine facts for manifests and model cards. */
    public static Map<String, String> versions() {
        init();
        Map<String, String> m = new LinkedHashMap<>();
        Engine engine = Engine.getEngine(ENGINE);
        m.put("djl", Engine.getDjlVersion());
        m.put("pytorch", engine.getVersion());
        m.put("device", engine.defaultDevice().toString());
        m.put("threads", Integer.toString(JniUtils.getNumThreads()));
        m.put("conv_path", ActiveConvPath.get().id());
        return m;
    }

    /**
     * Entry point of the engine check's child JVM: checks every path for this host into the cache and exits. A run
     * never executes a kernel that may be faulty in its own process: on the host measured, the wrong oneDNN kernels
     * read memory they should not (their result changes with what was freed before them), and their allocations
     * shift what every later op of the process gets.
     */
    public static void main(String[] args) {
        startEngine();
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine(ENGINE).defaultDevice(),
                ENGINE)) {
            EngineCheck.all(host(), DataFetcher.defaultCacheDir(), false, m);
        }
        System.exit(0);
    }

    /**
     * Fills the cache for host from a child JVM with this JVM's class path, thread counts and environment,
     * unless it already holds every path's checks. Returns false when the child could not run (the caller
     * then checks in process).
     */
    private static boolean fillCache(HostFingerprint host, Path cacheDir, int threads, int interopThreads) {
        if (EngineCheck.cached(host, cacheDir)) {
            return true;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx1g", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads, "-Dai.djl.pytorch.num_interop_threads=" + interopThreads,
                "-cp", System.getProperty("java.class.path"), TorchRuntime.class.getName());
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
