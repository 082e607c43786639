package org.diffleak.torch;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one seam to the PyTorch engine: offline mode, thread counts, engine versions. Call {@link #init()}
 * before any NDManager is made; it is idempotent.
 */
public final class TorchRuntime {

    public static final String ENGINE = "PyTorch";
    private static volatile boolean started;

    private TorchRuntime() {}

    /**
     * Starts the engine offline with ai.djl.pytorch.num_threads = available cores and
     * num_interop_threads = 1 unless those properties are already set.
     */
    public static synchronized void init() {
        if (started) {
            return;
        }
        System.setProperty("ai.djl.offline", "true");
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Integer.getInteger("ai.djl.pytorch.num_threads", cores);
        int interop = Integer.getInteger("ai.djl.pytorch.num_interop_threads", 1);
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interop));
        Engine.getEngine(ENGINE);
        JniUtils.setNumThreads(threads);
        started = true;
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
        return m;
    }
}
