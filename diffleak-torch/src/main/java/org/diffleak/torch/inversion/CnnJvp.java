package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Map;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.torch.engine.ConvOp;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Layers;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * Forward-mode (JVP) pass of the {@link CnnClassifier} cross-entropy in a weight direction u:
 * L̇(x) = d/dε L(x; θ + εu)|_{ε=0} = ⟨∇_θ L(x), u⟩, built from first-order ops on x alone (every layer
 * carries its value and its tangent). One ordinary backward pass of L̇ then gives
 * ∇_x ⟨∇_θ L(x), u⟩ = (∂∇_θL/∂x)ᵀ u, the second-order term of gradient matching, without ever making a
 * weight a leaf that requires gradient: no graph is kept in any .grad (the leak of backward with
 * createGraph = true, where a weight's .grad holds a graph that references the weight).
 */
public final class CnnJvp {

    private static final float GN_EPS = 1e-5f;

    /** A value and its tangent; a null tangent is zero. */
    private record Dual(NDArray v, NDArray d) {}

    private final CnnClassifier net;

    public CnnJvp(CnnClassifier net) {
        this.net = net;
    }

    /**
     * L̇ = (1/N) Σ_i Σ_c (softmax(z_i)_c Σ_k t_ik − t_ic) ż_ic, with L = −(1/N) Σ_i Σ_c t_ic log softmax(z_i)_c.
     *
     * @param u tangent of every weight, by name, of the weights' shapes
     * @param x images [N, C, H, W] (may carry a graph to whatever produced them)
     * @param targets target weights [N, numClasses] (distributions, usually)
     * @return the scalar L̇
     */
    public NDArray lossTangent(Params p, Map<String, NDArray> u, NDArray x, NDArray targets) {
        CnnConfig c = net.config();
        int g = c.groups();
        Dual h = new Dual(x, null);
        for (int s = 0; s < c.stages(); s++) {
            h = silu(groupNorm(p, u, "stage" + s + ".norm1", conv(p, u, "stage" + s + ".conv1", h, 1), g));
            h = silu(groupNorm(p, u, "stage" + s + ".norm2", conv(p, u, "stage" + s + ".conv2", h, 2), g));
        }
        Dual pooled = new Dual(Layers.globalAvgPool(h.v()), Layers.globalAvgPool(h.d()));
        Dual z = linear(p, u, "head", silu(linear(p, u, "features", pooled)));
        long n = x.getShape().get(0);
        NDArray prob = z.v().softmax(1);
        return Scalar.div(prob.mul(targets.sum(new int[] {1}, true)).sub(targets).mul(z.d()).sum(), n);
    }

    /** y = W ⋆ a + b: ẏ = W ⋆ ȧ + U_W ⋆ a + U_b. */
    private static Dual conv(Params p, Map<String, NDArray> u, String name, Dual a, int stride) {
        NDArray w = p.get(name + ".weight");
        ConvOp conv = TorchRuntime.convPath();
        NDArray v = conv.conv2d(a.v(), w, p.get(name + ".bias"), stride);
        NDArray d = conv.conv2d(a.v(), u.get(name + ".weight"), u.get(name + ".bias"), stride);
        if (a.d() != null) {
            d = d.add(conv.conv2d(a.d(), w, null, stride));
        }
        return new Dual(v, d);
    }

    /** y = W a + b: ẏ = W ȧ + U_W a + U_b. */
    private static Dual linear(Params p, Map<String, NDArray> u, String name, Dual a) {
        NDArray w = p.get(name + ".weight");
        NDArray v = Linear.linear(a.v(), w, p.get(name + ".bias")).singletonOrThrow();
        NDArray d = Linear.linear(a.v(), u.get(name + ".weight"), u.get(name + ".bias")).singletonOrThrow();
        if (a.d() != null) {
            d = d.add(Linear.linear(a.d(), w, null).singletonOrThrow());
        }
        return new Dual(v, d);
    }

    /**
     * GroupNorm y = γ n̂ + β with n̂ = (x − μ)/s per group, s = √(var + ε). Its tangent:
     * ṅ = (ẋ − mean ẋ − n̂ · mean(n̂ ⊙ ẋ))/s, ẏ = γ ṅ + U_γ n̂ + U_β.
     */
    private static Dual groupNorm(Params p, Map<String, NDArray> u, String name, Dual a, int groups) {
        Shape s = a.v().getShape();
        long n = s.get(0);
        long c = s.get(1);
        long dim = s.size() / (n * groups);
        int[] last = {2};
        NDArray xr = a.v().reshape(n, groups, dim);
        NDArray centred = xr.sub(xr.mean(last, true));
        NDArray sd = Scalar.add(centred.square().mean(last, true), GN_EPS).sqrt();
        NDArray normed = centred.div(sd);
        NDArray dr = a.d().reshape(n, groups, dim);
        NDArray dn = dr.sub(dr.mean(last, true)).sub(normed.mul(normed.mul(dr).mean(last, true))).div(sd);
        Shape affine = new Shape(1, c, 1, 1);
        NDArray gamma = inStep(p.get(name + ".weight").reshape(affine), a.v());
        NDArray nhat = normed.reshape(s);
        NDArray v = nhat.mul(gamma).add(inStep(p.get(name + ".bias").reshape(affine), a.v()));
        NDArray d = dn.reshape(s).mul(gamma).add(nhat.mul(u.get(name + ".weight").reshape(affine)))
                .add(u.get(name + ".bias").reshape(affine));
        return new Dual(v, d);
    }

    /** An op's result on a weight belongs to the weights' manager: move it to the step's, or it outlives the step. */
    private static NDArray inStep(NDArray a, NDArray stepArray) {
        a.attach(stepArray.getManager());
        return a;
    }

    /** y = x σ(x): ẏ = ẋ (σ + x σ (1 − σ)). */
    private static Dual silu(Dual a) {
        NDArray sig = a.v().getNDArrayInternal().sigmoid();
        NDArray v = a.v().mul(sig);
        NDArray slope = sig.add(v.mul(Scalar.rsub(1, sig)));
        return new Dual(v, a.d().mul(slope));
    }
}
