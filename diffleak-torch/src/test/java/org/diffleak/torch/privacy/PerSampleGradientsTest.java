package org.diffleak.torch.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.GradTape;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("conv")
class PerSampleGradientsTest {

    /** Per-sample gradients by the reference loop: one backward pass per sample; [sample][name]. */
    static List<Map<String, double[]>> loop(UNet unet, Params p, NDArray x, NDArray t, NDArray y,
            NDArray eps) {
        int b = (int) x.getShape().get(0);
        List<Map<String, double[]>> out = new java.util.ArrayList<>();
        p.attachGradients();
        for (int i = 0; i < b; i++) {
            try (NDManager m = x.getManager().newSubManager();
                    GradientCollector gc = m.getEngine().newGradientCollector()) {
                String r = i + ":" + (i + 1);
                NDArray pred = unet.forward(p, x.get(r), t.get(r), y == null ? null : y.get(r));
                gc.backward(pred.sub(eps.get(r)).square().mean());
                Map<String, double[]> grads = new java.util.HashMap<>();
                for (String name : p.names()) {
                    NDArray g = p.get(name).getGradient();
                    grads.put(name, g.toType(DataType.FLOAT64, false).toDoubleArray());
                    g.close();
                }
                out.add(grads);
                for (NDArray a : p.arrays()) {
                    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
                }
            }
        }
        return out;
    }

    /** The float64 batch of the UNet tests: 4 noisy 16×16 images x, their noise ε, timesteps and labels. */
    private static NDArray[] batch(NDManager m) {
        SplittableRandom r = new SplittableRandom(8);
        NDArray x = Noise.gaussian(m, new Shape(4, 1, 16, 16), r).toType(DataType.FLOAT64, false);
        NDArray eps = Noise.gaussian(m, new Shape(4, 1, 16, 16), r).toType(DataType.FLOAT64, false);
        return new NDArray[] {x, m.create(new long[] {3, 200, 600, 999}), m.create(new long[] {0, 2, 3, 1}), eps};
    }

    private static Map<String, NDArray> batched(UNet unet, Params p, NDManager m) {
        NDArray[] b = batch(m);
        return batched(unet, p, b[0], b[1], b[2], b[3]);
    }

    private static List<Map<String, double[]>> loop(UNet unet, Params p, NDManager m) {
        NDArray[] b = batch(m);
        return loop(unet, p, b[0], b[1], b[2], b[3]);
    }

    /** Σ_i L_i over a batch of 4 in float64, with L_i the mean over that sample's pixels; per-sample gradients. */
    private static Map<String, NDArray> batched(UNet unet, Params p, NDArray x, NDArray t, NDArray y, NDArray eps) {
        GradTape tape = new GradTape();
        try (GradientCollector gc = x.getManager().getEngine().newGradientCollector()) {
            NDArray pred = unet.forward(p.recording(tape), x, t, y);
            gc.backward(Scalar.div(pred.sub(eps).square().sum(), 256));
        }
        return PerSampleGradients.compute(tape);
    }

    /**
     * The batched per-sample gradients equal the batch-1 loop. Both run in float64 (weights and inputs converted),
     * so the only difference is the summation order of the same terms: float64 rounds each of the ≲ 10⁴ terms of a
     * gradient entry by 2⁻⁵³ ≈ 1.1e-16 of its size, so even with 10³× cancellation the entries agree to ~1e-12 of
     * the parameter's largest entry; 1e-9 leaves that margin and no more. In float32 the same comparison is
     * 2⁻²⁴ ≈ 6e-8 per term and, with the cancellation in the time embedding's first layer, failed under load.
     */
    @Test
    void batchedPerSampleGradientsEqualTheLoop() {
        // 16×16 so that both convolution paths run: shifted views (≥ 14×14) and im2col (8×8, strided, 1×1)
        UNet unet = new UNet(new UNetConfig(1, 16, 8, List.of(1, 2), 1, true, 3, 4));
        try (NDManager m = TorchRuntime.newManager(); Params p32 = Params.initialize(unet.specs(), Seeds.of(3), m);
                Params p = p32.toType(DataType.FLOAT64, m)) {
            Map<String, NDArray> fast = batched(unet, p, m);
            assertThat(fast.values()).allMatch(a -> a.getDataType() == DataType.FLOAT64);
            assertThat(worstRelativeError(fast, loop(unet, p, m), p, 4)).isLessThanOrEqualTo(1e-9);
        }
    }

    /**
     * The comparison above can fail: the same gradients with samples 1 and 2 swapped in the reference err by the
     * size of the gradients themselves, over 10⁶ times the tolerance.
     */
    @Test
    void aSwappedSampleFailsByOrdersOfMagnitude() {
        UNet unet = new UNet(new UNetConfig(1, 16, 8, List.of(1, 2), 1, false, 3, 4));
        try (NDManager m = TorchRuntime.newManager(); Params p32 = Params.initialize(unet.specs(), Seeds.of(3), m);
                Params p = p32.toType(DataType.FLOAT64, m)) {
            Map<String, NDArray> fast = batched(unet, p, m);
            List<Map<String, double[]>> ref = new java.util.ArrayList<>(loop(unet, p, m));
            assertThat(worstRelativeError(fast, ref, p, 4)).isLessThanOrEqualTo(1e-9);
            java.util.Collections.swap(ref, 1, 2);
            assertThat(worstRelativeError(fast, ref, p, 4)).isGreaterThan(1e-3);
        }
    }

    /** max over parameters of max_{i,j} |batched − loop| / (largest |loop| entry of that parameter). */
    private static double worstRelativeError(Map<String, NDArray> fast, List<Map<String, double[]>> ref, Params p,
            int b) {
        assertThat(fast.keySet()).containsExactlyInAnyOrderElementsOf(p.names());
        double worst = 0;
        for (String name : p.names()) {
            double[] got = fast.get(name).toDoubleArray();
            int per = ref.get(0).get(name).length;
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < b; i++) {
                double[] want = ref.get(i).get(name);
                for (int j = 0; j < per; j++) {
                    maxRef = Math.max(maxRef, Math.abs(want[j]));
                    maxDiff = Math.max(maxDiff, Math.abs(want[j] - got[i * per + j]));
                }
            }
            worst = Math.max(worst, maxRef == 0 ? maxDiff : maxDiff / maxRef);
        }
        return worst;
    }

    @Test
    void cnnClassifierPerSampleGradientsEqualTheLoop() {
        // 16×16: stage 0's stride-1 convolution takes the shifted-view path, the strided ones and the 8×8 stage
        // im2col; then GroupNorm affine and the two linear layers
        CnnClassifier cnn = new CnnClassifier(new CnnConfig(1, 16, List.of(4, 8), 8, 3, 2));
        try (NDManager m = TorchRuntime.newManager(); Params p32 = Params.initialize(cnn.specs(), Seeds.of(4), m);
                Params p = p32.toType(DataType.FLOAT64, m)) {
            int b = 4;
            NDArray x = Noise.gaussian(m, new Shape(b, 1, 16, 16), new SplittableRandom(9)).toType(DataType.FLOAT64,
                    false);
            NDArray onehot = m.create(new long[] {0, 2, 1, 2}).oneHot(3).toType(DataType.FLOAT64, false);
            GradTape tape = new GradTape();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                // Σ_i L_i with L_i = −log softmax(z_i)[y_i]
                gc.backward(cnn.logits(p.recording(tape), x).logSoftmax(1).mul(onehot).sum().neg());
            }
            Map<String, NDArray> fast = PerSampleGradients.compute(tape);
            List<Map<String, double[]>> ref = new java.util.ArrayList<>();
            p.attachGradients();
            for (int i = 0; i < b; i++) {
                try (NDManager sm = m.newSubManager();
                        GradientCollector gc = sm.getEngine().newGradientCollector()) {
                    String r = i + ":" + (i + 1);
                    gc.backward(cnn.logits(p, x.get(r)).logSoftmax(1).mul(onehot.get(r)).sum().neg());
                    Map<String, double[]> grads = new java.util.HashMap<>();
                    for (String name : p.names()) {
                        NDArray g = p.get(name).getGradient();
                        grads.put(name, g.toDoubleArray());
                        g.close();
                    }
                    ref.add(grads);
                    for (NDArray a : p.arrays()) {
                        ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
                    }
                }
            }
            // float64 both ways: the summation-order bound of the UNet test above
            assertThat(worstRelativeError(fast, ref, p, b)).isLessThanOrEqualTo(1e-9);
        }
    }
}
