package org.diffleak.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.NativeTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("conv")
class CnnClassifierTest extends NativeTest {


    @Test
    void featuresAndLogitsHaveTheConfiguredShapes() {
        for (int[] cs : new int[][] {{1, 28}, {3, 32}}) {
            CnnClassifier net = new CnnClassifier(CnnConfig.defaultFor(cs[0], cs[1], 10));
            try (NDManager m = manager.newSubManager();
                    Params p = Params.initialize(net.specs(), Seeds.of(1), m)) {
                NDArray x = Noise.gaussian(m, new Shape(2, cs[0], cs[1], cs[1]), new SplittableRandom(0));
                NDArray f = net.features(p, x);
                NDArray z = net.logits(p, x);
                assertThat(f.getShape()).isEqualTo(new Shape(2, 128));
                assertThat(z.getShape()).isEqualTo(new Shape(2, 10));
                assertThat(z.isNaN().any().getBoolean()).isFalse();
            }
        }
    }

    @Test
    void declaresOnlyConvolutionsGroupNormsAndLinears() {
        CnnClassifier net = new CnnClassifier(CnnConfig.defaultFor(1, 28, 10));
        for (ParamSpec s : net.specs()) {
            assertThat(s.name()).matches("stage[01]\\.(conv|norm)[12]\\.(weight|bias)|(features|head)\\.(weight|bias)");
            if (s.name().contains(".norm")) {
                assertThat(s.shape()).hasSize(1);
                assertThat(s.init()).isIn(ParamSpec.Init.ONES, ParamSpec.Init.ZEROS);
            }
        }
        assertThat(net.specs().stream().mapToLong(ParamSpec::size).sum()).isEqualTo(74_986L);
    }

    @Test
    void eachSampleIsEncodedIndependentlyOfItsBatch() {
        CnnClassifier net = new CnnClassifier(new CnnConfig(3, 16, java.util.List.of(8, 16), 16, 3, 4));
        try (Params p = Params.initialize(net.specs(), Seeds.of(2), manager)) {
            NDArray x = Noise.gaussian(manager, new Shape(4, 3, 16, 16), new SplittableRandom(3));
            float[] batched = net.features(p, x).get("0").toFloatArray();
            float[] alone = net.features(p, x.get("0:1")).get("0").toFloatArray();
            for (int i = 0; i < alone.length; i++) {
                assertThat(batched[i]).isCloseTo(alone[i], within(1e-5f));
            }
        }
    }

    @Test
    void globalAveragePoolingAveragesEachChannel() {
        NDArray x = manager.create(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, new Shape(1, 2, 2, 2));
        NDArray pooled = Layers.globalAvgPool(x);
        assertThat(pooled.getShape()).isEqualTo(new Shape(1, 2));
        assertThat(pooled.toFloatArray()).containsExactly(2.5f, 25f);
    }
}
