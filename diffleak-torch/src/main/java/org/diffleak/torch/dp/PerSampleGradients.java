package org.diffleak.torch.dp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffleak.torch.nn.GradTape;

/**
 * Per-sample gradients from one backward pass over Σ_i L_i. For a layer y = f(W, a) the gradient of
 * L_i is a function of that sample's input a_i and output gradient g_i = ∂L_i/∂y_i alone:
 * linear ∂L_i/∂W = g_i a_iᵀ; convolution ∂L_i/∂W = g_i U(a_i)ᵀ with U the unfolded (im2col) input,
 * ∂L_i/∂b = Σ_positions g_i; GroupNorm affine ∂L_i/∂γ = Σ_positions g_i ⊙ â_i; embedding
 * ∂L_i/∂W = onehot_i g_iᵀ. Everything is batched over i (bmm), so no weight is copied per sample.
 */
public final class PerSampleGradients {

    private PerSampleGradients() {}

    /** Per-sample gradients [B, …param shape] by parameter name; call after backward on the taped pass. */
    public static Map<String, NDArray> compute(GradTape tape) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (GradTape.Entry e : tape.entries()) {
            NDArray g = e.probe().getGradient();
            g.attach(e.probe().getManager());
            NDArray a = e.input();
            long b = g.getShape().get(0);
            switch (e.kind()) {
                case CONV -> {
                    long cout = g.getShape().get(1);
                    long t = g.getShape().get(2) * g.getShape().get(3);
                    NDArray gf = g.reshape(b, cout, t);
                    NDArray u = unfold(a, e.kernel(), e.stride(), g.getShape().get(2), g.getShape().get(3));
                    long cin = a.getShape().get(1);
                    add(out, e.name() + ".weight",
                            gf.matMul(u.transpose(0, 2, 1)).reshape(b, cout, cin, e.kernel(), e.kernel()));
                    add(out, e.name() + ".bias", gf.sum(new int[] {2}));
                }
                case LINEAR -> {
                    long o = g.getShape().get(1);
                    long in = a.getShape().get(1);
                    add(out, e.name() + ".weight", g.reshape(b, o, 1).matMul(a.reshape(b, 1, in)));
                    add(out, e.name() + ".bias", g);
                }
                case AFFINE -> {
                    long c = g.getShape().get(1);
                    add(out, e.name() + ".weight", g.mul(a).reshape(b, c, -1).sum(new int[] {2}));
                    add(out, e.name() + ".bias", g.reshape(b, c, -1).sum(new int[] {2}));
                }
                case EMBEDDING -> {
                    long k = a.getShape().get(1);
                    long d = g.getShape().get(1);
                    add(out, e.name() + ".weight", a.reshape(b, k, 1).matMul(g.reshape(b, 1, d)));
                }
            }
        }
        return out;
    }

    private static void add(Map<String, NDArray> out, String name, NDArray grad) {
        out.merge(name, grad, NDArray::add);
    }

    /**
     * im2col: [B, C, H, W] → [B, C·k², Ho·Wo] with zero padding k/2 and the given stride; row index
     * c·k² + dy·k + dx, the layout of a [Cout, C, k, k] weight.
     */
    static NDArray unfold(NDArray a, int k, int stride, long ho, long wo) {
        Shape s = a.getShape();
        long b = s.get(0);
        long c = s.get(1);
        if (k == 1 && stride == 1) {
            return a.reshape(b, c, ho * wo);
        }
        int p = k / 2;
        NDArray padded = p > 0 ? a.pad(new Shape(p, p, p, p), 0) : a;
        NDList taps = new NDList(k * k);
        for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
                taps.add(padded.get(":, :, " + dy + ":" + (dy + stride * (ho - 1) + 1) + ":" + stride + ", "
                        + dx + ":" + (dx + stride * (wo - 1) + 1) + ":" + stride));
            }
        }
        return NDArrays.stack(taps, 2).reshape(b, c * k * k, ho * wo);
    }

    /** ‖∂L_i/∂θ‖₂ over all parameters, per sample: [B] (a fused norm per parameter, no squared copy). */
    public static NDArray norms(Map<String, NDArray> perSample) {
        NDArray sq = null;
        for (NDArray g : perSample.values()) {
            NDArray s = g.reshape(g.getShape().get(0), -1).norm(2, new int[] {1}, false).square();
            sq = sq == null ? s : sq.add(s);
        }
        return sq.sqrt();
    }
}
