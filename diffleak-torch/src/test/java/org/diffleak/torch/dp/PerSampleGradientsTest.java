package org.diffleak.torch.dp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.GradTape;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("conv")
class PerSampleGradientsTest {

    /** Per-sample gradients by the reference loop: one backward pass per sample; [sample][name]. */
    static java.util.List<Map<String, float[]>> loop(UNet unet, Params p, NDArray x, NDArray t, NDArray y,
            NDArray eps) {
        int b = (int) x.getShape().get(0);
        java.util.List<Map<String, float[]>> out = new java.util.ArrayList<>();
        p.attachGradients();
        for (int i = 0; i < b; i++) {
            try (NDManager m = x.getManager().newSubManager();
                    GradientCollector gc = m.getEngine().newGradientCollector()) {
                String r = i + ":" + (i + 1);
                NDArray pred = unet.forward(p, x.get(r), t.get(r), y == null ? null : y.get(r));
                gc.backward(pred.sub(eps.get(r)).square().mean());
                Map<String, float[]> grads = new java.util.HashMap<>();
                for (String name : p.names()) {
                    NDArray g = p.get(name).getGradient();
                    grads.put(name, g.toFloatArray());
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

    @Test
    void batchedPerSampleGradientsEqualTheLoop() {
        // 16×16 so that both convolution paths run: shifted views (≥ 14×14) and im2col (8×8, strided, 1×1)
        UNetConfig cfg = new UNetConfig(1, 16, 8, List.of(1, 2), 1, true, 3, 4);
        UNet unet = new UNet(cfg);
        try (NDManager m = TorchRuntime.newManager(); Params p = Params.initialize(unet.specs(), Seeds.of(3), m)) {
            int b = 4;
            SplittableRandom r = new SplittableRandom(8);
            NDArray x = Noise.gaussian(m, new Shape(b, 1, 16, 16), r);
            NDArray eps = Noise.gaussian(m, new Shape(b, 1, 16, 16), r);
            NDArray t = m.create(new long[] {3, 200, 600, 999});
            NDArray y = m.create(new long[] {0, 2, 3, 1});
            Map<String, NDArray> fast;
            GradTape tape = new GradTape();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray pred = unet.forward(p.recording(tape), x, t, y);
                // Σ_i L_i with L_i the mean over that sample's pixels
                NDArray loss = Scalar.div(pred.sub(eps).square().sum(), 256);
                gc.backward(loss);
            }
            fast = PerSampleGradients.compute(tape);
            java.util.List<Map<String, float[]>> ref = loop(unet, p, x, t, y, eps);
            assertEqualsLoop(fast, ref, p, b);
        }
    }

    /**
     * Every parameter's per-sample gradients within 1e-4 of its largest reference entry plus 1e-5 of the largest
     * entry of any parameter. The second term is float32's: a gradient that is a sum of large terms cancelling to a
     * small value keeps the rounding error of its terms, and the summation order (MKL picks its thread count by
     * the machine's load) differs between the batched pass and the loop. A wrong per-sample assignment errs by the
     * size of the gradient itself and fails either way.
     */
    private static void assertEqualsLoop(Map<String, NDArray> fast, List<Map<String, float[]>> ref, Params p, int b) {
        assertThat(fast.keySet()).containsExactlyInAnyOrderElementsOf(p.names());
        double globalMax = 0;
        for (Map<String, float[]> sample : ref) {
            for (float[] g : sample.values()) {
                for (float v : g) {
                    globalMax = Math.max(globalMax, Math.abs(v));
                }
            }
        }
        for (String name : p.names()) {
            float[] got = fast.get(name).toFloatArray();
            int per = ref.get(0).get(name).length;
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < b; i++) {
                float[] want = ref.get(i).get(name);
                for (int j = 0; j < per; j++) {
                    maxRef = Math.max(maxRef, Math.abs(want[j]));
                    maxDiff = Math.max(maxDiff, Math.abs(want[j] - got[i * per + j]));
                }
            }
            assertThat(maxDiff).as(name).isLessThanOrEqualTo(1e-4 * maxRef + 1e-5 * globalMax);
        }
    }

    @Test
    void cnnClassifierPerSampleGradientsEqualTheLoop() {
        // 16×16: stage 0's stride-1 convolution takes the shifted-view path, the strided ones and the 8×8 stage
        // im2col; then GroupNorm affine and the two linear layers
        CnnClassifier cnn = new CnnClassifier(new CnnConfig(1, 16, List.of(4, 8), 8, 3, 2));
        try (NDManager m = TorchRuntime.newManager(); Params p = Params.initialize(cnn.specs(), Seeds.of(4), m)) {
            int b = 4;
            NDArray x = Noise.gaussian(m, new Shape(b, 1, 16, 16), new SplittableRandom(9));
            NDArray onehot = m.create(new long[] {0, 2, 1, 2}).oneHot(3);
            GradTape tape = new GradTape();
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                // Σ_i L_i with L_i = −log softmax(z_i)[y_i]
                gc.backward(cnn.logits(p.recording(tape), x).logSoftmax(1).mul(onehot).sum().neg());
            }
            Map<String, NDArray> fast = PerSampleGradients.compute(tape);
            List<Map<String, float[]>> ref = new java.util.ArrayList<>();
            p.attachGradients();
            for (int i = 0; i < b; i++) {
                try (NDManager sm = m.newSubManager();
                        GradientCollector gc = sm.getEngine().newGradientCollector()) {
                    String r = i + ":" + (i + 1);
                    gc.backward(cnn.logits(p, x.get(r)).logSoftmax(1).mul(onehot.get(r)).sum().neg());
                    Map<String, float[]> grads = new java.util.HashMap<>();
                    for (String name : p.names()) {
                        NDArray g = p.get(name).getGradient();
                        grads.put(name, g.toFloatArray());
                        g.close();
                    }
                    ref.add(grads);
                    for (NDArray a : p.arrays()) {
                        ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
                    }
                }
            }
            assertEqualsLoop(fast, ref, p, b);
        }
    }
}
