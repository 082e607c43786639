package org.diffleak.torch.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch's single-kernel GroupNorm and SiLU, with their fused backward (aten::native_group_norm, aten::silu),
 * which DJL's PyTorch engine does not bind. They run as methods of a small TorchScript module (resource
 * fused-ops.pt, written by scripts/make-fused-ops.py) with the caller's grad mode, so autograd records them like
 * any other op. Composed from DJL's ops, GroupNorm + SiLU took five passes over each activation and saved as many
 * tensors for backward.
 *
 * <p>DJL passes its training flag only on its NDList route, where an array named "module_method:NAME" picks the
 * method and arrays whose names hold a dot become dictionary entries; so weights go in as unnamed views.
 */
public final class FusedOps {

    private static final String RESOURCE = "fused-ops.pt";

    /** Switches the graph executor's optimiser off once per thread (the setting is per thread), not per call. */
    private static final ThreadLocal<Boolean> OPTIMIZER_OFF = ThreadLocal.withInitial(() -> {
        JniUtils.setGraphExecutorOptimize(false);
        return true;
    });

    private FusedOps() {}

    /** The module and its constant inputs, loaded once per process into a manager that lives as long. */
    private static final class Module {
        static final PtNDManager MANAGER = (PtNDManager) NDManager.newBaseManager("PyTorch");
        static final PtSymbolBlock BLOCK = load();
        static final Map<String, NDArray> METHODS = new ConcurrentHashMap<>();
        static final Map<Integer, NDArray> GROUPS = new ConcurrentHashMap<>();

        private static PtSymbolBlock load() {
            try (InputStream in = FusedOps.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
                }
                return JniUtils.loadModule(MANAGER, in, true, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the fused-ops module", e);
            }
        }

        static NDArray method(String name) {
            return METHODS.computeIfAbsent(name, k -> {
                NDArray marker = MANAGER.create(0f);
                marker.setName("module_method:" + k);
                return marker;
            });
        }

        static NDArray groups(int g) {
            return GROUPS.computeIfAbsent(g, k -> MANAGER.create((long) k));
        }
    }

    /** GroupNorm (Wu &amp; He 2018) over `groups` groups of channels, ε = 1e-5, then γ_c x̂ + β_c. */
    public static NDArray groupNorm(NDArray x, NDArray gamma, NDArray beta, int groups) {
        return run("group_norm", x, unnamed(gamma, x), unnamed(beta, x), Module.groups(groups));
    }

    /** SiLU(GroupNorm(x)): the pair every residual block applies, in one call. */
    public static NDArray groupNormSilu(NDArray x, NDArray gamma, NDArray beta, int groups) {
        return run("group_norm_silu", x, unnamed(gamma, x), unnamed(beta, x), Module.groups(groups));
    }

    /** SiLU(x) = x·σ(x) (Elfwing et al. 2018). */
    public static NDArray silu(NDArray x) {
        return run("silu", x.getName() == null ? x : unnamed(x, x));
    }

    /**
     * The first input's manager receives the result. DJL's "training" flag is always set: without it DJL runs the
     * method under InferenceMode, whose outputs may neither be saved for backward nor changed in place later; autograd
     * then records exactly when grad mode is on, as for any other op. The graph executor's optimizer is off on
     * the calling thread ({@link #OPTIMIZER_OFF}), so that no profiling run ever replaces libtorch's kernels
     * with another formulation: every call runs the same two ops.
     */
    private static NDArray run(String method, NDArray... inputs) {
        NDList in = new NDList(inputs);
        in.add(Module.method(method));
        OPTIMIZER_OFF.get();
        return IValueUtils.forward(Module.BLOCK, in, true).singletonOrThrow();
    }

    /** A view of a (possibly named) array without a name, owned by the call's manager (that of `call`). */
    private static NDArray unnamed(NDArray a, NDArray call) {
        NDArray v = a.reshape(a.getShape());
        v.attach(call.getManager());
        return v;
    }
}
