package org.diffleak.torch.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak-free second order against its definition and against finite differences, in float64. */
@Tag("conv")
@ExtendWith(SingleThread.class)
class CnnJvpTest extends NativeTest {

    private static final CnnClassifier NET = new CnnClassifier(new CnnConfig(1, 12, List.of(4, 8), 12, 3, 2));

    /** The largest group a GroupNorm of NET sums over: C/G·H·W = 8/2·12·12 at most. */
    private static final long GROUP_TERMS = 8 / 2 * 12 * 12;

    private static NDArray gaussian(NDManager m, Shape shape, long seed) {
        float[] v = new float[(int) shape.size()];
        Seeds.gaussian(new SplittableRandom(seed), v);
        return m.create(v, shape).toType(DataType.FLOAT64, false);
    }

    private NDArray targets(NDManager m) {
        return m.create(new double[] {0, 1, 0, 0.2, 0.3, 0.6}, new Shape(2, 3));
    }

    @Test
    void tangentEqualsTheInnerProductOfTheWeightGradientWithTheDirection() {
        try (Params f32 = Params.initialize(NET.specs(), Seeds.of(3), manager);
                Params p = f32.toType(DataType.FLOAT64, manager)) {
            NDArray x = gaussian(manager, new Shape(2, 1, 12, 12), 4);
            Map<String, NDArray> u = new LinkedHashMap<>();
            long k = 10;
            for (String name : p.names()) {
                u.put(name, gaussian(manager, p.get(name).getShape(), k++));
            }
            Map<String, NDArray> observed = new LinkedHashMap<>(u);
            Map<String, NDArray> g = new GradientMatchingLoss(NET, p, observed, 0).weightGradient(x, targets(manager),
                    manager);
            double expected = 0;
            double magnitude = 0;
            long terms = 0;
            for (String name : p.names()) {
                NDArray gu = g.get(name).mul(u.get(name));
                expected += gu.sum().getDouble();
                magnitude += gu.abs().sum().getDouble();
                terms += gu.size();
            }
            double tangent = new CnnJvp(NET).lossTangent(p, u, x, targets(manager)).getDouble();
            // Both sides are sums of the same products taken in different orders (autograd's GroupNorm kernel
            // against the explicit tangent; the dot product over every weight): each errs by at most
            // γ_m·Σ|g_i u_i| with m = the terms summed (Higham, Thm 3.5/4.3); twice that bounds their difference.
            double bound = 2 * (terms + 2 * GROUP_TERMS) * Math.ulp(1.0) / 2 * magnitude;
            assertThat(tangent).isCloseTo(expected, within(bound));
            assertThat(bound).isLessThan(1e-9 * Math.abs(expected));
        }
    }

    @Test
    void inputGradientOfTheMatchingLossAgreesWithFiniteDifferences() {
        try (Params f32 = Params.initialize(NET.specs(), Seeds.of(5), manager);
                Params p = f32.toType(DataType.FLOAT64, manager)) {
            Map<String, NDArray> observed = new GradientMatchingLoss(NET, p, ones(p), 0)
                    .weightGradient(gaussian(manager, new Shape(2, 1, 12, 12), 6), targets(manager), manager);
            GradientMatchingLoss loss = new GradientMatchingLoss(NET, p, observed, 0.05);
            NDArray x = gaussian(manager, new Shape(2, 1, 12, 12), 7);
            NDArray v = gaussian(manager, new Shape(2, 1, 12, 12), 8);
            NDArray leaf = x.duplicate();
            leaf.setRequiresGradient(true);
            loss.backward(leaf, targets(manager), manager);
            double analytic = leaf.getGradient().mul(v).sum().getDouble();
            double h = 1e-5;
            double fd = (loss.value(x.add(Scalar.mul(v, h)), targets(manager), manager)
                    - loss.value(x.sub(Scalar.mul(v, h)), targets(manager), manager)) / (2 * h);
            assertThat(Math.abs(analytic)).isGreaterThan(1e-4);
            assertThat(Math.abs(analytic - fd) / Math.abs(fd)).isLessThan(1e-3);
        }
    }

    /** A placeholder observed gradient, to construct a loss whose weightGradient is wanted. */
    private static Map<String, NDArray> ones(Params p) {
        Map<String, NDArray> ones = new LinkedHashMap<>();
        for (String name : p.names()) {
            ones.put(name, p.get(name).onesLike());
        }
        return ones;
    }
}
