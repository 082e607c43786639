package org.diffleak.torch.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;

/**
 * The Inverting-Gradients objective (Geiping et al. 2020, Eq. 4): R(x̂) = 1 − cos(∇_θL(x̂, t), g) +
 * λ_TV TV(x̂), with g the observed gradient, L the shared model's cross-entropy and TV the mean absolute
 * difference of neighbouring pixels. Its gradient in x̂ takes two first-order passes: (1) g(x̂) = ∇_θL
 * on weight copies, giving u = ∂(1 − cos)/∂g = c g/‖g‖² − g_o/(‖g‖ ‖g_o‖) with g_o the observed gradient;
 * (2) ∇_x̂ ⟨∇_θL(x̂), u⟩ by one backward pass of the {@link CnnJvp} tangent, plus ∇ λ_TV TV. The caller's
 * weights never require gradient; everything lives in the caller's step manager.
 */
public final class GradientMatchingLoss {

    private final CnnClassifier net;
    private final Params params;
    private final Map<String, NDArray> observed;
    private final double observedNorm;
    private final double tvWeight;
    private final CnnJvp jvp;

    /**
     * @param observed the gradient the server saw, by weight name
     * @param tvWeight λ_TV ≥ 0
     */
    public GradientMatchingLoss(CnnClassifier net, Params params, Map<String, NDArray> observed, double tvWeight) {
        if (!(tvWeight >= 0)) {
            throw new IllegalArgumentException("TV weight must be ≥ 0, got " + tvWeight);
        }
        if (!observed.keySet().containsAll(params.names())) {
            throw new IllegalArgumentException("the observed gradient lacks some of the model's weights");
        }
        this.net = net;
        this.params = params;
        this.observed = observed;
        this.tvWeight = tvWeight;
        this.jvp = new CnnJvp(net);
        double sq = 0;
        try (NDManager tmp = params.manager().newSubManager()) {
            for (String name : params.names()) {
                NDArray o = observed.get(name).duplicate();
                o.attach(tmp);
                sq += scalar(o.square().sum());
            }
        }
        this.observedNorm = Math.sqrt(sq);
        if (!(observedNorm > 0)) {
            throw new IllegalArgumentException("the observed gradient is zero");
        }
    }

    /** ∇_θ L(x, t) at the shared weights (no graph kept), computed on copies owned by m. */
    public Map<String, NDArray> weightGradient(NDArray x, NDArray targets, NDManager m) {
        Params copy = params.copy(m);
        copy.attachGradients();
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray loss = Scalar.div(net.logits(copy, x.stopGradient()).logSoftmax(1).mul(targets).sum().neg(),
                    x.getShape().get(0));
            gc.backward(loss);
        }
        Map<String, NDArray> g = new LinkedHashMap<>();
        for (String name : copy.names()) {
            NDArray grad = copy.get(name).getGradient();
            grad.attach(m);
            g.put(name, grad);
        }
        return g;
    }

    /** R(x̂) without its gradient. */
    public double value(NDArray x, NDArray targets, NDManager m) {
        double cos = cosine(weightGradient(x, targets, m));
        return 1 - cos + tvWeight * scalar(totalVariation(x.stopGradient()));
    }

    /**
     * R(x̂), accumulating ∂R/∂(leaves x̂ depends on) into those leaves' gradients: x̂ may be a leaf that
     * requires gradient, or the end of a graph (a generator's output) whose leaves do.
     */
    public double backward(NDArray x, NDArray targets, NDManager m) {
        Map<String, NDArray> g = weightGradient(x, targets, m);
        double[] dotAndSq = dotAndSquare(g);
        double norm = Math.sqrt(dotAndSq[1]);
        // a saturated softmax drives g to 0 and u = O(1/‖g‖) past float range: below 1e-6 ‖g_o‖, cos is
        // taken as 0 and only TV moves x̂
        boolean zero = !(norm > 1e-6 * observedNorm);
        double cos = zero ? 0 : dotAndSq[0] / (norm * observedNorm);
        // u = ∂(1 − cos)/∂g = cos·g/‖g‖² − g_o/(‖g‖ ‖g_o‖)
        Map<String, NDArray> u = new LinkedHashMap<>();
        for (String name : g.keySet()) {
            if (zero) {
                u.put(name, g.get(name).zerosLike());
                continue;
            }
            NDArray o = Scalar.mul(observed.get(name), 1 / (norm * observedNorm));
            o.attach(m);
            u.put(name, Scalar.mul(g.get(name), cos / dotAndSq[1]).sub(o));
        }
        double tv;
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray tvTerm = totalVariation(x);
            tv = scalar(tvTerm);
            gc.backward(jvp.lossTangent(params, u, x, targets).add(Scalar.mul(tvTerm, tvWeight)));
        }
        return 1 - cos + tvWeight * tv;
    }

    private double cosine(Map<String, NDArray> g) {
        double[] dotAndSq = dotAndSquare(g);
        double norm = Math.sqrt(dotAndSq[1]);
        return norm > 1e-6 * observedNorm ? dotAndSq[0] / (norm * observedNorm) : 0;
    }

    /** {⟨g, g_o⟩, ‖g‖²}, summed on the engine and read once. */
    private double[] dotAndSquare(Map<String, NDArray> g) {
        NDArray dot = null;
        NDArray sq = null;
        for (String name : g.keySet()) {
            NDArray d = g.get(name).mul(observed.get(name)).sum();
            NDArray s = g.get(name).square().sum();
            dot = dot == null ? d : dot.add(d);
            sq = sq == null ? s : sq.add(s);
        }
        return new double[] {scalar(dot), scalar(sq)};
    }

    private static double scalar(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    /** TV(x) = mean |x_{h+1,w} − x_{h,w}| + mean |x_{h,w+1} − x_{h,w}|. */
    static NDArray totalVariation(NDArray x) {
        NDArray dh = x.get(":, :, 1:, :").sub(x.get(":, :, :-1, :")).abs().mean();
        NDArray dw = x.get(":, :, :, 1:").sub(x.get(":, :, :, :-1")).abs().mean();
        return dh.add(dw);
    }
}
