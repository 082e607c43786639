package org.diffleak.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.engine.ReferenceOps;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.Noise;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("conv")
class UNetTest extends NativeTest {

    /**
     * The whole UNet in float32 on this process's convolution path against the same weights in float64
     * (libtorch's float64 convolution does not take oneDNN): output, input gradient and every weight
     * gradient within 1e-4 of the reference's largest entry. The bound: a float32 sum of K terms errs by about
     * √K·u of the sum of their magnitudes (u = 2⁻²⁴ ≈ 6e-8; K·u in the worst case, Higham 2002 §3.1); the longest
     * sums here are weight gradients over N·H·W = 2,048 positions, ≈ 3e-6 per layer, and a gradient crosses about
     * 30 layers: 1e-4 covers their sum. A wrong kernel (NaN, or off by 27–97% on some CPUs) cannot pass.
     */
    @Test
    void forwardAndGradientsMatchFloat64() {
        for (int channels : new int[] {1, 3}) {
            UNet unet = new UNet(new UNetConfig(channels, 16, 8, List.of(1, 2), 1, true, 3, 4));
            try (NDManager m = manager.newSubManager();
                    Params p32 = Params.initialize(unet.specs(), Seeds.of(4), m);
                    Params p64 = p32.toType(DataType.FLOAT64, m)) {
                SplittableRandom r = new SplittableRandom(5);
                Shape shape = new Shape(8, channels, 16, 16);
                NDArray x = Noise.gaussian(m, shape, r);
                NDArray g = Noise.gaussian(m, shape, r);
                NDArray t = m.create(new long[] {0, 3, 50, 200, 400, 600, 800, 999});
                NDArray y = m.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
                Map<String, float[]> f32 = forwardAndBackward(unet, p32, x, t, y, g);
                Map<String, float[]> f64 = forwardAndBackward(unet, p64, x.toType(DataType.FLOAT64, false), t, y,
                        g.toType(DataType.FLOAT64, false));
                for (String name : f64.keySet()) {
                    double[] ref = new double[f64.get(name).length];
                    for (int i = 0; i < ref.length; i++) {
                        ref[i] = f64.get(name)[i];
                    }
                    assertThat(ReferenceOps.relativeError(f32.get(name), ref)).as(name + " (" + channels + " channels)")
                            .isLessThanOrEqualTo(1e-4);
                }
            }
        }
    }

    /** Output, ∂L/∂x and ∂L/∂θ for L = Σ ε_θ(x, t, y) ⊙ g, as float arrays (float64 ones rounded). */
    private static Map<String, float[]> forwardAndBackward(UNet unet, Params p, NDArray x, NDArray t, NDArray y,
            NDArray g) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.attachGradients();
        x.setRequiresGradient(true);
        try (GradientCollector gc = x.getManager().getEngine().newGradientCollector()) {
            NDArray eps = unet.forward(p, x, t, y);
            out.put("output", eps.toType(DataType.FLOAT32, false).toFloatArray());
            gc.backward(eps.mul(g).sum());
        }
        out.put("input gradient", x.getGradient().toType(DataType.FLOAT32, false).toFloatArray());
        for (String name : p.names()) {
            out.put(name + " gradient", p.get(name).getGradient().toType(DataType.FLOAT32, false).toFloatArray());
        }
        return out;
    }


    @Test
    void defaultArchitectureHasAboutTwoMillionParameters() {
        long n = new UNet(UNetConfig.fashionMnistDefault()).specs().stream().mapToLong(ParamSpec::size).sum();
        assertThat(n).isBetween(1_900_000L, 2_100_000L);
    }

    @Test
    void forwardKeepsShapeForEachSupportedSize() {
        for (int[] cs : new int[][] {{1, 28}, {3, 32}, {1, 64}}) {
            UNetConfig cfg = UNetConfig.tiny(cs[0], cs[1]).withClasses(3);
            UNet unet = new UNet(cfg);
            try (NDManager m = manager.newSubManager();
                    Params p = Params.initialize(unet.specs(), Seeds.of(1), m)) {
                Shape shape = new Shape(2, cs[0], cs[1], cs[1]);
                NDArray x = Noise.gaussian(m, shape, new SplittableRandom(0));
                NDArray out = unet.forward(p, x, m.create(new long[] {5, 900}), m.create(new long[] {0, 3}));
                assertThat(out.getShape()).isEqualTo(shape);
                assertThat(out.isNaN().any().getBoolean()).isFalse();
            }
        }
    }

    @Test
    void timestepAndLabelChangeTheOutput() {
        UNet unet = new UNet(UNetConfig.tiny(1, 28).withClasses(2));
        try (Params p = Params.initialize(unet.specs(), Seeds.of(2), manager)) {
            NDArray x = Noise.gaussian(manager, new Shape(1, 1, 28, 28), new SplittableRandom(0));
            float[] a = unet.forward(p, x, manager.create(new long[] {10}), manager.create(new long[] {0})).toFloatArray();
            float[] b = unet.forward(p, x, manager.create(new long[] {500}), manager.create(new long[] {0})).toFloatArray();
            float[] c = unet.forward(p, x, manager.create(new long[] {10}), manager.create(new long[] {1})).toFloatArray();
            assertThat(a).isNotEqualTo(b);
            assertThat(a).isNotEqualTo(c);
        }
    }

    @Test
    void groupNormMatchesDefinition() {
        List<ParamSpec> specs = new ArrayList<>();
        Layers.groupNorm(specs, "gn", 4);
        try (Params p = Params.initialize(specs, Seeds.of(0), manager)) {
            p.get("gn.weight").set(new float[] {1f, 2f, 0.5f, -1f});
            p.get("gn.bias").set(new float[] {0f, 1f, -1f, 0.25f});
            float[] xv = new float[2 * 4 * 3 * 3];
            Seeds.gaussian(new SplittableRandom(9), xv);
            NDArray x = manager.create(xv, new Shape(2, 4, 3, 3));
            float[] got = Layers.groupNorm(p, "gn", x, 2).toFloatArray();
            float[] gamma = {1f, 2f, 0.5f, -1f};
            float[] beta = {0f, 1f, -1f, 0.25f};
            int per = 2 * 9;
            for (int n = 0; n < 2; n++) {
                for (int g = 0; g < 2; g++) {
                    int off = n * 36 + g * per;
                    double mean = 0;
                    double var = 0;
                    for (int i = 0; i < per; i++) {
                        mean += xv[off + i];
                    }
                    mean /= per;
                    for (int i = 0; i < per; i++) {
                        var += (xv[off + i] - mean) * (xv[off + i] - mean);
                    }
                    var /= per;
                    for (int i = 0; i < per; i++) {
                        int ch = g * 2 + i / 9;
                        double want = (xv[off + i] - mean) / Math.sqrt(var + 1e-5) * gamma[ch] + beta[ch];
                        assertThat((double) got[off + i]).isCloseTo(want, within(1e-4));
                    }
                }
            }
        }
    }

    @Test
    void upsampleRepeatsEachPixel() {
        NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
        assertThat(Layers.upsample2x(x).toFloatArray())
                .containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
    }

    @Test
    void paramsRoundTripAndRejectWrongArchitecture() throws Exception {
        UNet unet = new UNet(UNetConfig.tiny(1, 28));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Params p = Params.initialize(unet.specs(), Seeds.of(3), manager)) {
            p.save(buf);
            try (Params q = Params.load(unet.specs(), new ByteArrayInputStream(buf.toByteArray()), manager, "mem")) {
                assertThat(q.flatten()).containsExactly(p.flatten());
            }
        }
        UNet other = new UNet(UNetConfig.tiny(3, 28));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                Params.load(other.specs(), new ByteArrayInputStream(buf.toByteArray()), manager, "mem"))
                .isInstanceOf(DataException.class).hasMessageContaining("mem: parameter");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                Params.load(unet.specs(), new ByteArrayInputStream(new byte[] {1, 2, 3}), manager, "junk.ndlist"))
                .isInstanceOf(DataException.class).hasMessageContaining("junk.ndlist");
    }

    @Test
    void sameSeedSameInitialisation() {
        UNet unet = new UNet(UNetConfig.tiny(1, 28));
        try (Params a = Params.initialize(unet.specs(), Seeds.of(5), manager);
                Params b = Params.initialize(unet.specs(), Seeds.of(5), manager);
                Params c = Params.initialize(unet.specs(), Seeds.of(6), manager)) {
            assertThat(a.flatten()).containsExactly(b.flatten());
            assertThat(a.flatten()).isNotEqualTo(c.flatten());
        }
    }
}
