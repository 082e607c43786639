package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.privacy.DpSgdRun;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * What a federated client sends: the FedSGD gradient g = ∇_θ (1/B) Σ_i L(x_i, y_i) of the cross-entropy on
 * its whole batch at the shared weights. With K &gt; 1 local steps the client runs K steps of SGD
 * θ_{k+1} = θ_k − η g_k on its batch and sends (θ_0 − θ_K)/(Kη), which equals g for K = 1. With DP each
 * g_k is a DP-SGD step on the batch (q = 1): per-sample gradients clipped to C, N(0, σ²C²) added to their
 * sum, divided by B, σ calibrated by the RDP accountant so the K steps spend the target (ε, δ).
 */
public final class ClientUpdate {

    /**
     * @param localSteps K ≥ 1
     * @param localLearningRate η of the local SGD steps (unused for K = 1)
     * @param dp the client's DP-SGD, or null for none
     */
    public record Settings(int localSteps, double localLearningRate, DpSgdConfig dp) {

        public Settings {
            if (localSteps < 1) {
                throw new IllegalArgumentException("local steps must be ≥ 1, got " + localSteps);
            }
            if (!(localLearningRate > 0)) {
                throw new IllegalArgumentException("local learning rate must be > 0, got " + localLearningRate);
            }
        }
    }

    private final Settings settings;

    public ClientUpdate(Settings settings) {
        this.settings = settings;
    }

    /** σ the client's DP uses for a batch of b (0 without DP). */
    public double noiseMultiplier(int b) {
        return settings.dp() == null ? 0 : new DpSgdRun(settings.dp(), b, b, settings.localSteps()).noiseMultiplier();
    }

    /**
     * @param images the batch [B, C, H, W] in the [−1, 1] data scale
     * @param labels its labels [B] in the federated task
     * @param out owns the returned update
     * @return the update the server sees, by weight name
     */
    public Map<String, NDArray> compute(CnnClassifier net, Params params, float[] images, int[] labels, Seeds seeds,
            NDManager out) {
        int b = labels.length;
        int c = net.config().channels();
        int s = net.config().imageSize();
        if (images.length != b * c * s * s) {
            throw new IllegalArgumentException(b + " labels but " + images.length + " pixel values");
        }
        DpSgdRun privacy = settings.dp() == null ? null : new DpSgdRun(settings.dp(), b, b, settings.localSteps());
        Map<String, NDArray> update = new LinkedHashMap<>();
        try (NDManager m = out.newSubManager(); Params local = params.copy(m)) {
            NDArray x = m.create(images, new Shape(b, c, s, s));
            NDArray onehot = m.create(toLong(labels)).oneHot(net.config().numClasses());
            for (int k = 0; k < settings.localSteps(); k++) {
                try (NDManager sm = m.newSubManager()) {
                    Map<String, NDArray> g = privacy == null ? gradient(net, local, x, onehot, sm)
                            : privateGradient(net, local, x, onehot, privacy, seeds, k, sm);
                    if (settings.localSteps() == 1) {
                        for (Map.Entry<String, NDArray> e : g.entrySet()) {
                            NDArray kept = e.getValue().duplicate();
                            kept.attach(out);
                            update.put(e.getKey(), kept);
                        }
                        return update;
                    }
                    for (String name : local.names()) {
                        local.get(name).subi(Scalar.mul(g.get(name), settings.localLearningRate()));
                    }
                }
            }
            double scale = 1.0 / (settings.localSteps() * settings.localLearningRate());
            for (String name : params.names()) {
                NDArray delta = Scalar.mul(params.get(name).sub(local.get(name)), scale);
                delta.attach(out);
                update.put(name, delta);
            }
            return update;
        }
    }

    private static Map<String, NDArray> gradient(CnnClassifier net, Params p, NDArray x, NDArray onehot,
            NDManager sm) {
        for (NDArray a : p.arrays()) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
            gc.backward(Scalar.div(net.logits(p, x).logSoftmax(1).mul(onehot).sum().neg(), x.getShape().get(0)));
        }
        Map<String, NDArray> g = new LinkedHashMap<>();
        for (String name : p.names()) {
            NDArray grad = p.get(name).getGradient().duplicate();
            grad.attach(sm);
            g.put(name, grad);
            JniUtils.zeroGrad((PtNDArray) p.get(name));
        }
        return g;
    }

    private static Map<String, NDArray> privateGradient(CnnClassifier net, Params p, NDArray x, NDArray onehot,
            DpSgdRun privacy, Seeds seeds, int step, NDManager sm) {
        long b = x.getShape().get(0);
        DpSgdRun.ClippedSum sum = privacy.clippedSum(p, (int) b, (from, to, taped, mm) -> net
                .logits(taped, x.get(from + ":" + to)).logSoftmax(1).mul(onehot.get(from + ":" + to)).sum().neg(), sm);
        privacy.privatize(sum.grads(), seeds.child("client-dp"), step);
        return sum.grads();
    }

    private static long[] toLong(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}
