package org.diffleak.torch.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.diffleak.core.engine.CheckResult;
import org.diffleak.core.engine.EngineVerdict;
import org.diffleak.core.engine.HostFingerprint;
import org.diffleak.core.engine.ReferenceOps;
import org.diffleak.core.util.Json;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.engine.ConvOp;
import org.diffleak.torch.engine.ConvPath;
import org.diffleak.torch.nn.Layers;
import org.diffleak.torch.nn.ParamSpec;
import org.diffleak.torch.nn.Params;

/**
 * Known-answer checks of the engine: every op the project's networks are made of, run in float32 on the
 * engine and compared with {@link ReferenceOps} in float64 on the same (float32-rounded) inputs. The
 * convolution checks run per {@link ConvPath}, the forward without autograd (inference) and with it
 * (training), the input gradient and the weight gradient, on the channel
 * counts the project's models use (1, 3, 4, 8, 24 and multiples of 16, strides 1 and 2, 1×1), at batch sizes
 * where libtorch takes its oneDNN kernels rather than its batch-1 path.
 */
public final class EngineCheck {

    /**
     * One convolution shape: C_in → C_out, k×k kernel, stride. libtorch takes oneDNN for any batch above 1
     * with a 3×3 kernel, but for a 1×1 kernel only from batch 16 (or with several threads).
     */
    record ConvCase(int cin, int cout, int k, int stride) {
        String name() {
            return "conv " + cin + "→" + cout + " k" + k + " s" + stride;
        }

        int batch() {
            return k == 1 ? 16 : 4;
        }
    }

    /**
     * A case's float32 inputs (x, w, b and the output gradient g, seeded by the shape) and its float64
     * answers, each computed once per process whichever paths are checked.
     */
    static final class KnownAnswer {
        final ConvCase c;
        final float[] x;
        final float[] w;
        final float[] b;
        final float[] g;
        private double[] forward;
        private double[] inputGradient;
        private double[] weightGradient;

        private KnownAnswer(ConvCase c) {
            this.c = c;
            SplittableRandom rng = new SplittableRandom((((c.cin() * 1000L + c.cout()) * 10 + c.k()) * 10) + c.stride());
            int ho = ReferenceOps.outSize(SIZE, c.k(), c.stride());
            x = gaussian(rng, c.batch() * c.cin() * SIZE * SIZE, 1);
            w = gaussian(rng, c.cout() * c.cin() * c.k() * c.k(), 1 / Math.sqrt(c.cin() * c.k() * c.k()));
            b = gaussian(rng, c.cout(), 0.1);
            g = gaussian(rng, c.batch() * c.cout() * ho * ho, 1);
        }

        static KnownAnswer of(ConvCase c) {
            return KNOWN.computeIfAbsent(c, KnownAnswer::new);
        }

        synchronized double[] forward() {
            if (forward == null) {
                forward = ReferenceOps.conv2d(widen(x), widen(w), widen(b), c.batch(), c.cin(), SIZE, c.cout(), c.k(), c.stride());
            }
            return forward;
        }

        synchronized double[] inputGradient() {
            if (inputGradient == null) {
                inputGradient = ReferenceOps.conv2dInputGradient(widen(g), widen(w), c.batch(), c.cin(), SIZE, c.cout(),
                        c.k(), c.stride());
            }
            return inputGradient;
        }

        synchronized double[] weightGradient() {
            if (weightGradient == null) {
                weightGradient = ReferenceOps.conv2dWeightGradient(widen(g), widen(x), c.batch(), c.cin(), SIZE, c.cout(),
                        c.k(), c.stride());
            }
            return weightGradient;
        }
    }

    private static final Map<ConvCase, KnownAnswer> KNOWN = new ConcurrentHashMap<>();

    static final List<ConvCase> CONV_CASES = List.of(
            new ConvCase(1, 32, 3, 1), new ConvCase(3, 32, 3, 1), new ConvCase(32, 1, 3, 1),
            new ConvCase(32, 3, 3, 1), new ConvCase(4, 8, 3, 1), new ConvCase(24, 8, 3, 1),
            new ConvCase(32, 24, 3, 1), new ConvCase(8, 24, 3, 2), new ConvCase(32, 32, 3, 1),
            new ConvCase(32, 64, 3, 2), new ConvCase(48, 16, 1, 1), new ConvCase(32, 96, 1, 1));

    /** Bumped whenever the checks change, so that cached verdicts from older checks are not reused. */
    public static final String CHECKS_VERSION = "5";

    /** The path name of the checks that do not depend on the convolution path. */
    public static final String COMMON = "engine";
    /** The group of per-shape forward checks of libtorch's convolution for imported models. */
    static final String IMPORTED = "libtorch-imported";

    private static final int SIZE = 8;

    private EngineCheck() {}

    /**
     * Forward, input-gradient and weight-gradient checks of one convolution implementation, each run
     * {@link #REPEATS} times keeping the worst: a faulty kernel is not wrong by the same amount every time
     * (NaN in one run, a finite error in the next), so one pass proves less than two.
     */
    public static List<CheckResult> convChecks(ConvOp op, String pathName, NDManager parent) {
        return worstOf(() -> convChecks(op, pathName, CONV_CASES, true, parent));
    }

    /** The checks run {@link #REPEATS} times, keeping each one's worst result. */
    private static List<CheckResult> worstOf(Supplier<List<CheckResult>> run) {
        List<CheckResult> worst = new ArrayList<>(run.get());
        for (int r = 1; r < REPEATS; r++) {
            List<CheckResult> again = run.get();
            for (int i = 0; i < worst.size(); i++) {
                worst.set(i, worse(worst.get(i), again.get(i)));
            }
        }
        return worst;
    }

    static final int REPEATS = 2;

    private static CheckResult worse(CheckResult a, CheckResult b) {
        if (!b.ok() && (a.ok() || b.relError() == null)) {
            return b;
        }
        return a.ok() && b.ok() && b.relError() > a.relError() ? b : a;
    }

    /**
     * The checks of the given shapes: the forward without autograd (inference), and unless forwardOnly the
     * forward under autograd (training) with the input and weight gradients of L = Σ y ⊙ g.
     */
    static List<CheckResult> convChecks(ConvOp op, String pathName, List<ConvCase> cases, boolean gradients,
            NDManager parent) {
        List<CheckResult> out = new ArrayList<>();
        for (ConvCase c : cases) {
            KnownAnswer k = KnownAnswer.of(c);
            try (NDManager m = parent.newSubManager()) {
                NDArray x = m.create(k.x, new Shape(c.batch(), c.cin(), SIZE, SIZE));
                NDArray w = m.create(k.w, new Shape(c.cout(), c.cin(), c.k(), c.k()));
                NDArray b = m.create(k.b);
                float[] y = op.conv2d(x, w, b, c.stride()).toFloatArray();
                out.add(CheckResult.of(c.name() + " forward", pathName, ReferenceOps.relativeError(y, k.forward())));
                if (!gradients) {
                    continue;
                }
                x.setRequiresGradient(true);
                w.setRequiresGradient(true);
                float[] yt;
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray ya = op.conv2d(x, w, b, c.stride());
                    yt = ya.toFloatArray();
                    // ∂L/∂y = g
                    gc.backward(ya.mul(m.create(k.g, ya.getShape())).sum());
                }
                out.add(CheckResult.of(c.name() + " training forward", pathName,
                        ReferenceOps.relativeError(yt, k.forward())));
                out.add(CheckResult.of(c.name() + " input gradient", pathName,
                        ReferenceOps.relativeError(x.getGradient().toFloatArray(), k.inputGradient())));
                out.add(CheckResult.of(c.name() + " weight gradient", pathName,
                        ReferenceOps.relativeError(w.getGradient().toFloatArray(), k.weightGradient())));
            }
        }
        return out;
    }

    /** The ops that do not depend on the convolution path: linear (and its gradients), attention, GroupNorm. */
    public static List<CheckResult> commonChecks(NDManager parent) {
        List<CheckResult> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(16);
        try (NDManager m = parent.newSubManager()) {
            int n = 16;
            int in = 64;
            int o = 48;
            float[] x = gaussian(rng, n * in, 1);
            float[] w = gaussian(rng, o * in, 1 / Math.sqrt(in));
            float[] b = gaussian(rng, o, 0.1);
            float[] g = gaussian(rng, n * o, 1);
            NDArray xa = m.create(x, new Shape(n, in));
            NDArray wa = m.create(w, new Shape(o, in));
            xa.setRequiresGradient(true);
            wa.setRequiresGradient(true);
            float[] y;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray ya = Linear.linear(xa, wa, m.create(b)).singletonOrThrow();
                y = ya.toFloatArray();
                gc.backward(ya.mul(m.create(g, ya.getShape())).sum());
            }
            // Linear's gradients are products with the transposes: ∂L/∂x = g W, ∂L/∂W = gᵀ x
            double[] wT = transpose(widen(w), o, in);
            double[] gT = transpose(widen(g), n, o);
            out.add(CheckResult.of("linear 64→48 forward", COMMON,
                    ReferenceOps.relativeError(y, ReferenceOps.linear(widen(x), widen(w), widen(b), n, in, o))));
            out.add(CheckResult.of("linear 64→48 input gradient", COMMON, ReferenceOps.relativeError(
                    xa.getGradient().toFloatArray(), ReferenceOps.linear(widen(g), wT, new double[in], n, o, in))));
            out.add(CheckResult.of("linear 64→48 weight gradient", COMMON, ReferenceOps.relativeError(
                    wa.getGradient().toFloatArray(), ReferenceOps.linear(gT, transpose(widen(x), n, in),
                            new double[in], o, n, in))));

            int c = 32;
            int pos = 49;
            float[] q = gaussian(rng, 4 * c * pos, 1);
            float[] k = gaussian(rng, 4 * c * pos, 1);
            float[] v = gaussian(rng, 4 * c * pos, 1);
            Shape qs = new Shape(4, c, pos);
            float[] att = Layers.attend(m.create(q, qs), m.create(k, qs), m.create(v, qs)).toFloatArray();
            out.add(CheckResult.of("attention bmm + softmax", COMMON, ReferenceOps.relativeError(att,
                    ReferenceOps.attention(widen(q), widen(k), widen(v), 4, c, pos))));

            int groups = 8;
            float[] xg = gaussian(rng, 4 * c * pos, 2);
            float[] gamma = gaussian(rng, c, 1);
            float[] beta = gaussian(rng, c, 1);
            List<ParamSpec> specs = new ArrayList<>();
            Layers.groupNorm(specs, "gn", c);
            try (Params p = Params.initialize(specs, Seeds.of(0), m)) {
                // initialised to ones and zeros: in place, these become γ and β
                p.get("gn.weight").muli(m.create(gamma));
                p.get("gn.bias").addi(m.create(beta));
                float[] gn = Layers.groupNorm(p, "gn", m.create(xg, new Shape(4, c, 7, 7)), groups).toFloatArray();
                out.add(CheckResult.of("groupnorm", COMMON, ReferenceOps.relativeError(gn,
                        ReferenceOps.groupNorm(widen(xg), widen(gamma), widen(beta), 4, c, pos, groups, 1e-5))));
            }
        }
        return out;
    }

    /**
     * The verdict on this host for the requested path (null: the first correct one of onednn, padded,
     * gemm), from the cache under cacheDir when this host's fingerprint has been checked before.
     */
    public static EngineVerdict select(ConvPath requested, HostFingerprint host, Path cacheDir, NDManager m) {
        Results results = new Results(host, cacheDir, m);
        return verdict(results, requested == null ? List.of(ConvPath.values()) : List.of(requested), true);
    }

    /**
     * Every path's checks (for `diffleak doctor`), from the cache unless recheck; the verdict's path is the
     * one auto-selection takes.
     */
    public static EngineVerdict all(HostFingerprint host, Path cacheDir, boolean recheck, NDManager m) {
        Results results = new Results(host, cacheDir, m);
        if (recheck) {
            results.clear();
        }
        return verdict(results, List.of(ConvPath.values()), false);
    }

    /**
     * The common checks and those of the paths in order (up to the first correct one when stopAtFirst);
     * the verdict names the first correct path, or the last one tried when none is.
     */
    private static EngineVerdict verdict(Results results, List<ConvPath> order, boolean stopAtFirst) {
        List<CheckResult> checks = new ArrayList<>(results.get(COMMON));
        boolean commonOk = checks.stream().allMatch(CheckResult::ok);
        ConvPath chosen = null;
        for (ConvPath p : order) {
            List<CheckResult> r = results.get(p.id());
            checks.addAll(r);
            if (chosen == null && r.stream().allMatch(CheckResult::ok)) {
                chosen = p;
                if (stopAtFirst) {
                    break;
                }
            }
        }
        results.save();
        ConvPath path = chosen != null ? chosen : order.get(order.size() - 1);
        return new EngineVerdict(commonOk && chosen != null, path.id(), results.host.describe(), checks);
    }

    /**
     * Forward checks of libtorch's own convolution on the shapes of an imported model's 4-D weights
     * [C_out, C_in, k, k], at strides 1 and 2 (a module does not say which it uses), each run as many times
     * as the path checks keeping the worst; cached per shape.
     */
    public static List<CheckResult> libtorchForward(List<long[]> convWeightShapes, HostFingerprint host, Path cacheDir,
            NDManager m) {
        Results results = new Results(host, cacheDir, m);
        List<CheckResult> all = results.get(IMPORTED);
        List<CheckResult> out = new ArrayList<>();
        for (long[] w : convWeightShapes) {
            for (int stride = 1; stride <= 2; stride++) {
                ConvCase c = new ConvCase((int) w[1], (int) w[0], (int) w[2], stride);
                String name = c.name() + " forward";
                CheckResult r = all.stream().filter(x -> x.name().equals(name)).findFirst().orElseGet(() -> {
                    CheckResult fresh = worstOf(() -> convChecks(ConvPath.ONEDNN, IMPORTED, List.of(c), false, m)).get(0);
                    all.add(fresh);
                    results.changed = true;
                    return fresh;
                });
                out.add(r);
            }
        }
        results.save();
        return out;
    }

    /** Whether this host's cache file holds the common checks and every path's. */
    public static boolean cached(HostFingerprint host, Path cacheDir) {
        Results results = new Results(host, cacheDir, null);
        return results.byPath.containsKey(COMMON)
                && Arrays.stream(ConvPath.values()).allMatch(p -> results.byPath.containsKey(p.id()));
    }

    /** Check results by path name, read from and written to this host's cache file. */
    private static final class Results {
        private final HostFingerprint host;
        private final Path file;
        private final NDManager manager;
        private final Map<String, List<CheckResult>> byPath = new LinkedHashMap<>();
        private boolean changed;

        Results(HostFingerprint host, Path cacheDir, NDManager manager) {
            this.host = host;
            this.file = cacheDir.resolve("engine-check").resolve(host.key() + ".json");
            this.manager = manager;
            if (Files.isRegularFile(file)) {
                try {
                    Map<String, List<CheckResult>> read = Json.MAPPER.readValue(file.toFile(),
                            new TypeReference<Map<String, List<CheckResult>>>() {});
                    read.forEach((k, v) -> byPath.put(k, new ArrayList<>(v)));
                } catch (IOException e) {
                    // an unreadable cache entry is checked again and overwritten
                }
            }
        }

        List<CheckResult> get(String path) {
            return byPath.computeIfAbsent(path, p -> {
                changed = true;
                if (p.equals(IMPORTED)) {
                    return new ArrayList<>();
                }
                Function<NDManager, List<CheckResult>> run = p.equals(COMMON) ? EngineCheck::commonChecks
                        : mgr -> convChecks(ConvPath.parse(p), p, mgr);
                return run.apply(manager);
            });
        }

        void clear() {
            byPath.clear();
        }

        void save() {
            if (!changed) {
                return;
            }
            try {
                Json.write(file, byPath);
            } catch (RuntimeException e) {
                // a read-only cache only costs a re-check next time
            }
        }
    }

    private static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        Seeds.gaussian(rng, v);
        for (int i = 0; i < n; i++) {
            v[i] = (float) (v[i] * scale);
        }
        return v;
    }

    private static double[] widen(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
