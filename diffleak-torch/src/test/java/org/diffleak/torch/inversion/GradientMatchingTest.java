package org.diffleak.torch.inversion;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.metrics.ImageSimilarity;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("conv")
@ExtendWith(SingleThread.class)
class GradientMatchingTest extends NativeTest {

    private static final int SIZE = 16;
    private static final CnnClassifier NET = new CnnClassifier(new CnnConfig(1, SIZE, List.of(8, 16), 16, 3, 4));

    /** A smooth shape on a dark background, pixels in [0, 1]: a bright disc with a darker bar. */
    static float[] shape() {
        float[] p = new float[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double r = Math.hypot(x - 7.5, y - 8.0);
                double v = r < 5.5 ? 0.9 : 0.05;
                if (Math.abs(x - 7) < 2 && r < 5.5) {
                    v = 0.4;
                }
                p[y * SIZE + x] = (float) v;
            }
        }
        return p;
    }

    private Map<String, NDArray> observedGradient(Params p, float[] pixels) {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * pixels[i] - 1;
        }
        ClientUpdate client = new ClientUpdate(new ClientUpdate.Settings(1, 0.1, null));
        return client.compute(NET, p, x, new int[] {1}, Seeds.of(0), manager);
    }

    @Test
    void recoversASingleImageFromItsGradient() {
        try (Params p = Params.initialize(NET.specs(), Seeds.of(11), manager)) {
            float[] truth = shape();
            GradientMatching.Result r = new GradientMatching(new GradientMatching.Settings(200, 0.1, 1e-2, 1))
                    .invert(NET, p, observedGradient(p, truth), new float[][] {{0, 1, 0}}, Seeds.of(4),
                            ProgressListener.NONE);
            double ssim = ImageSimilarity.ssim(r.images(), truth, 1, SIZE, SIZE);
            System.out.printf("single-image recovery: SSIM %.4f, loss %.5f%n", ssim, r.loss());
            assertThat(ssim).isGreaterThanOrEqualTo(0.8);
        }
    }

    @Test
    void theSameSeedGivesTheSameImage() {
        try (Params p = Params.initialize(NET.specs(), Seeds.of(12), manager)) {
            Map<String, NDArray> g = observedGradient(p, shape());
            GradientMatching attack = new GradientMatching(new GradientMatching.Settings(20, 0.1, 1e-2, 2));
            float[][] target = {{0, 1, 0}};
            float[] a = attack.invert(NET, p, g, target, Seeds.of(5), ProgressListener.NONE).images();
            float[] b = attack.invert(NET, p, g, target, Seeds.of(5), ProgressListener.NONE).images();
            float[] c = attack.invert(NET, p, g, target, Seeds.of(6), ProgressListener.NONE).images();
            assertThat(b).containsExactly(a);
            assertThat(c).isNotEqualTo(a);
        }
    }

    @Test
    void theObservedGradientIsTheGradientOfTheBatchLoss() {
        try (Params p = Params.initialize(NET.specs(), Seeds.of(13), manager)) {
            float[] px = shape();
            Map<String, NDArray> g = observedGradient(p, px);
            float[] x = new float[px.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = 2 * px[i] - 1;
            }
            Map<String, NDArray> direct = new GradientMatchingLoss(NET, p, g, 0).weightGradient(
                    manager.create(x, new Shape(1, 1, SIZE, SIZE)), manager.create(new float[] {0, 1, 0}, new Shape(1, 3)),
                    manager);
            for (String name : p.names()) {
                assertThat(direct.get(name).sub(g.get(name)).abs().max().getFloat()).isLessThan(1e-6f);
            }
            // the head bias gradient is p − y: negative exactly at the true class
            float[] bias = g.get("head.bias").toFloatArray();
            assertThat(bias[1]).isNegative();
            assertThat(bias[0]).isPositive();
            assertThat(bias[2]).isPositive();
        }
    }
}
