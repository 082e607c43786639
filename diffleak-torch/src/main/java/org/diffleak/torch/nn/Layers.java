package org.diffleak.torch.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.diffleak.torch.engine.ActiveConvPath;
import org.diffleak.torch.engine.Scalar;

/**
 * Functional layers over named weights, plus the spec builders that declare those weights. DJL's
 * PyTorch engine lacks GroupNorm and SiLU (reached through {@link FusedOps}) and transposed convolution
 * (composed here from ops it has).
 */
public final class Layers {

    private Layers() {}

    // ---- declarations

    public static void conv(List<ParamSpec> specs, String name, int in, int out, int kernel) {
        long fanIn = (long) in * kernel * kernel;
        specs.add(new ParamSpec(name + ".weight", new long[] {out, in, kernel, kernel}, ParamSpec.Init.UNIFORM_FAN_IN, fanIn));
        specs.add(new ParamSpec(name + ".bias", new long[] {out}, ParamSpec.Init.UNIFORM_FAN_IN, fanIn));
    }

    public static void linear(List<ParamSpec> specs, String name, int in, int out) {
        specs.add(new ParamSpec(name + ".weight", new long[] {out, in}, ParamSpec.Init.UNIFORM_FAN_IN, in));
        specs.add(new ParamSpec(name + ".bias", new long[] {out}, ParamSpec.Init.UNIFORM_FAN_IN, in));
    }

    public static void groupNorm(List<ParamSpec> specs, String name, int channels) {
        specs.add(new ParamSpec(name + ".weight", new long[] {channels}, ParamSpec.Init.ONES, 1));
        specs.add(new ParamSpec(name + ".bias", new long[] {channels}, ParamSpec.Init.ZEROS, 1));
    }

    public static void embedding(List<ParamSpec> specs, String name, int rows, int dim) {
        specs.add(new ParamSpec(name + ".weight", new long[] {rows, dim}, ParamSpec.Init.NORMAL, 1));
    }

    // ---- forward

    /** 2-D convolution with "same" padding for odd kernels; stride 1 or 2; on the engine check's path. */
    public static NDArray conv(Params p, String name, NDArray x, int stride) {
        NDArray w = p.get(name + ".weight");
        NDArray y = ActiveConvPath.get().conv2d(x, w, p.get(name + ".bias"), stride);
        return p.tape() == null ? y : p.tape().record(GradTape.Kind.CONV, name, x, y, stride, (int) w.getShape().get(2));
    }

    public static NDArray linear(Params p, String name, NDArray x) {
        NDArray y = Linear.linear(x, p.get(name + ".weight"), p.get(name + ".bias")).singletonOrThrow();
        return p.tape() == null ? y : p.tape().record(GradTape.Kind.LINEAR, name, x, y, 1, 1);
    }

    /** Rows of the embedding table selected by one-hot rows [N, K]: onehot · W. */
    public static NDArray embedding(Params p, String name, NDArray onehot) {
        NDArray y = onehot.matMul(p.get(name + ".weight"));
        return p.tape() == null ? y : p.tape().record(GradTape.Kind.EMBEDDING, name, onehot, y, 1, 1);
    }

    /**
     * GroupNorm (Wu &amp; He 2018): libtorch's kernel ({@link FusedOps}). Under a per-sample gradient tape, which
     * needs x̂ to form each sample's γ and β gradients, it is composed instead: layer-norm over (N, G, C/G·H·W)
     * with an identity affine (which normalises each group by its own mean and variance), then γ_c x̂ + β_c.
     */
    public static NDArray groupNorm(Params p, String name, NDArray x, int groups) {
        if (p.tape() == null) {
            return FusedOps.groupNorm(x, p.get(name + ".weight"), p.get(name + ".bias"), groups);
        }
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long d = s.size() / (n * groups);
        NDArray[] id = p.normIdentity(d);
        NDArray normed = LayerNorm.layerNorm(x.reshape(n, groups, d), new Shape(d), id[0], id[1], 1e-5f)
                .singletonOrThrow()
                .reshape(s);
        Shape affine = new Shape(1, c, 1, 1);
        NDArray gamma = p.get(name + ".weight").reshape(affine);
        NDArray beta = p.get(name + ".bias").reshape(affine);
        // a view of a weight joins the weights' manager: hand it to the call's, or every call leaves two behind
        gamma.attach(x.getManager());
        beta.attach(x.getManager());
        return p.tape().record(GradTape.Kind.AFFINE, name, normed, normed.mul(gamma).add(beta), 1, 1);
    }

    /** SiLU(GroupNorm(x)) in one libtorch call; composed when a per-sample gradient tape records the affine. */
    public static NDArray groupNormSilu(Params p, String name, NDArray x, int groups) {
        if (p.tape() != null) {
            return silu(groupNorm(p, name, x, groups));
        }
        return FusedOps.groupNormSilu(x, p.get(name + ".weight"), p.get(name + ".bias"), groups);
    }

    /**
     * Single-head attention over positions (Vaswani et al.): q, k, v [N, C, M];
     * A = softmax_j(q_iᵀ k_j / √C), out[:, i] = Σ_j A_ij v[:, j]; returns [N, C, M].
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v) {
        NDArray w = Scalar.mul(q.transpose(0, 2, 1).matMul(k), 1.0 / Math.sqrt(q.getShape().get(1))).softmax(2);
        return v.matMul(w.transpose(0, 2, 1));
    }

    /**
     * Sinusoidal timestep embedding (Vaswani et al.) as the image models use it, [N, dim]: row i is
     * [sin(t_i·f_j) | cos(t_i·f_j)], f_j = 10000^(−j/(half−1)), j &lt; half = dim/2, computed in float64.
     * (The tabular model follows TabDDPM's own variant, cos first and f_j = 10000^(−j/half).)
     */
    public static NDArray sinusoidalEmbedding(NDManager m, long[] ts, int dim) {
        int half = dim / 2;
        float[] out = new float[ts.length * dim];
        for (int i = 0; i < ts.length; i++) {
            for (int j = 0; j < half; j++) {
                double f = Math.exp(-Math.log(10000.0) * j / Math.max(1, half - 1));
                out[i * dim + j] = (float) Math.sin(ts[i] * f);
                out[i * dim + half + j] = (float) Math.cos(ts[i] * f);
            }
        }
        return m.create(out, new Shape(ts.length, dim));
    }

    /** SiLU(x) = x·σ(x), libtorch's kernel ({@link FusedOps}). */
    public static NDArray silu(NDArray x) {
        return FusedOps.silu(x);
    }

    /** a + b, in place into a (a fresh intermediate) when no graph is being recorded. */
    public static NDArray addFresh(NDArray a, NDArray b) {
        return recording() ? a.add(b) : a.addi(b);
    }

    /**
     * Whether autograd is recording. Without a graph, layers write into their own fresh intermediates in
     * place, which saves an allocation and a memory pass per op at inference.
     */
    static boolean recording() {
        return JniUtils.isGradMode();
    }

    /**
     * Global average pooling [N, C, H, W] → [N, C]: the mean over the H·W positions. Taken over one
     * flattened axis, since DJL's PyTorch engine does not support mean over several axes.
     */
    public static NDArray globalAvgPool(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).mean(new int[] {2});
    }

    /**
     * Nearest-neighbour 2× upsampling: each pixel broadcast over a 2×2 block, y[n, c, 2i + a, 2j + b] = x[n, c, i, j],
     * as an expanded view materialised by one reshape. libtorch's upsample_nearest2d, reached through DJL's
     * interpolation, cloned its output once more to make it contiguous (about a tenth of the UNet's inference time).
     */
    public static NDArray upsample2x(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, 2, w, 2)).reshape(n, c, 2 * h, 2 * w);
    }
}
