package org.diffleak.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

/**
 * libtorch's GroupNorm and SiLU kernels, reached through the TorchScript module, against the same maths composed
 * from DJL's ops, in float64, forward and backward (∂L/∂x, ∂L/∂γ, ∂L/∂β for L = Σ f(x) ⊙ g).
 *
 * <p>Tolerance: both compute each group's mean and variance as sums of n = C/G·H·W terms in a different order, so
 * each may err by γ_n ≈ n·u relative (Higham, Thm 4.3; u = 2⁻⁵³); the normalised values, and the backward sums over
 * the same n terms, inherit a few such errors. 8·n·u bounds the difference of the two with room for both sides'
 * reductions: 4.5e-13 here (n = 256), against differences of order 1e-15 in practice, and far below the 1e-2 a
 * wrong group count, ε or affine would give.
 */
class FusedOpsTest {

    private static final int N = 3;
    private static final int C = 8;
    private static final int H = 8;
    private static final int G = 2;

    @Test
    void groupNormSiluEqualsTheComposedForm() {
        try (NDManager m = TorchRuntime.newManager()) {
            SplittableRandom rng = new SplittableRandom(11);
            NDArray x = random(m, new Shape(N, C, H, H), rng, 3.0, 0.5);
            NDArray gamma = random(m, new Shape(C), rng, 1.0, 1.0);
            NDArray beta = random(m, new Shape(C), rng, 1.0, 0.0);
            NDArray g = random(m, new Shape(N, C, H, H), rng, 1.0, 0.0);
            double[][] fused = forwardBackward(x, gamma, beta, g, true);
            double[][] composed = forwardBackward(x, gamma, beta, g, false);
            double tol = 8.0 * (C / G * H * H) * Math.ulp(1.0) / 2;
            String[] what = {"output", "∂L/∂x", "∂L/∂γ", "∂L/∂β"};
            for (int k = 0; k < what.length; k++) {
                assertThat(relativeError(fused[k], composed[k])).as(what[k]).isLessThanOrEqualTo(tol);
            }
            // not a trivially equal pair: the group statistics matter
            assertThat(maxAbs(fused[0])).isGreaterThan(0.1);
        }
    }

    @Test
    void siluEqualsTimesSigmoid() {
        try (NDManager m = TorchRuntime.newManager()) {
            NDArray x = random(m, new Shape(4, 5), new SplittableRandom(3), 4.0, 0.0);
            double[] fused = FusedOps.silu(x).toDoubleArray();
            double[] composed = x.mul(x.getNDArrayInternal().sigmoid()).toDoubleArray();
            // one multiplication after the same sigmoid: within 2 ulp
            assertThat(relativeError(fused, composed)).isLessThanOrEqualTo(4 * Math.ulp(1.0));
        }
    }

    /**
     * Outside grad mode the outputs are ordinary tensors (not InferenceMode ones): they can be changed in place and
     * saved for a later backward pass, as a sampler's output is when an attack differentiates through it.
     */
    @Test
    void outputsOutsideGradModeAreOrdinaryTensors() {
        try (NDManager m = TorchRuntime.newManager()) {
            SplittableRandom rng = new SplittableRandom(5);
            NDArray x = random(m, new Shape(2, C, 4, 4), rng, 1.0, 0.0);
            NDArray y = FusedOps.groupNormSilu(x, m.ones(new Shape(C), DataType.FLOAT64),
                    m.zeros(new Shape(C), DataType.FLOAT64), G);
            double before = y.sum().getDouble();
            y.addi(m.ones(y.getShape(), DataType.FLOAT64));
            assertThat(y.sum().getDouble()).isCloseTo(before + y.size(), within(1e-9));
            NDArray w = random(m, y.getShape(), rng, 1.0, 0.0);
            w.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(FusedOps.silu(y).mul(w).sum());
            }
            double[] dw = w.getGradient().toDoubleArray();
            double[] expected = FusedOps.silu(y).toDoubleArray();
            assertThat(relativeError(dw, expected)).isLessThanOrEqualTo(4 * Math.ulp(1.0));
        }
    }

    /** Values a·U(−1, 1) + b in float64. */
    private static NDArray random(NDManager m, Shape s, SplittableRandom rng, double a, double b) {
        double[] v = new double[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a * (2 * rng.nextDouble() - 1) + b;
        }
        return m.create(v, s);
    }

    private static double[][] forwardBackward(NDArray x0, NDArray gamma0, NDArray beta0, NDArray g, boolean fused) {
        NDManager m = x0.getManager();
        NDArray x = x0.duplicate();
        NDArray gamma = gamma0.duplicate();
        NDArray beta = beta0.duplicate();
        for (NDArray a : new NDArray[] {x, gamma, beta}) {
            a.setRequiresGradient(true);
        }
        double[] y;
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray out = fused ? FusedOps.groupNormSilu(x, gamma, beta, G) : composed(x, gamma, beta);
            y = out.toDoubleArray();
            gc.backward(out.mul(g).sum());
        }
        return new double[][] {y, x.getGradient().toDoubleArray(), gamma.getGradient().toDoubleArray(),
                beta.getGradient().toDoubleArray()};
    }

    /** SiLU(γ_c x̂ + β_c), x̂ normalised per (sample, group) by layer-norm with an identity affine. */
    private static NDArray composed(NDArray x, NDArray gamma, NDArray beta) {
        NDManager m = x.getManager();
        long d = (long) C / G * H * H;
        NDArray normed = LayerNorm.layerNorm(x.reshape(N, G, d), new Shape(d), m.ones(new Shape(d), DataType.FLOAT64),
                m.zeros(new Shape(d), DataType.FLOAT64), 1e-5f).singletonOrThrow().reshape(x.getShape());
        NDArray h = normed.mul(gamma.reshape(1, C, 1, 1)).add(beta.reshape(1, C, 1, 1));
        return h.mul(h.getNDArrayInternal().sigmoid());
    }

    private static double relativeError(double[] a, double[] b) {
        double num = 0;
        for (int i = 0; i < a.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
        }
        return num / Math.max(maxAbs(b), Double.MIN_NORMAL);
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
