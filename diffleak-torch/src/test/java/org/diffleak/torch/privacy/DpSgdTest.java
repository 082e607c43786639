package org.diffleak.torch.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.DiffusionTrainerTest;
import org.diffleak.torch.train.ModelStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conv")
class DpSgdTest {

    @Test
    void clipsEachSampleToNormCThenSums() {
        try (NDManager m = TorchRuntime.newManager()) {
            // sample 0: norm √(3²+4²+0²) over two params = 5 → scaled by 1/5; sample 1: norm 0.5 → kept
            Map<String, NDArray> per = new LinkedHashMap<>();
            per.put("a", m.create(new float[] {3, 4, 0.3f, 0.4f}, new Shape(2, 2)));
            per.put("b", m.create(new float[] {0, 0}, new Shape(2, 1)));
            Map<String, NDArray> sum = DpSgd.clippedSum(per, 1.0);
            assertThat(sum.get("a").getShape()).isEqualTo(new Shape(2));
            float[] a = sum.get("a").toFloatArray();
            // float32 norms, factors and a 2-term sum of values ≤ 1: a few roundings of u = 6e-8 each, ≪ 1e-5
            assertThat((double) a[0]).isCloseTo(3 / 5.0 + 0.3, within(1e-5));
            assertThat((double) a[1]).isCloseTo(4 / 5.0 + 0.4, within(1e-5));
        }
    }

    @Test
    void noiseHasStandardDeviationSigmaCOverBatch() {
        try (NDManager m = TorchRuntime.newManager()) {
            Map<String, NDArray> sums = new LinkedHashMap<>();
            sums.put("w", m.zeros(new Shape(200_000)));
            DpSgd.noiseAndScale(sums, 2.0, 0.5, 10, new SplittableRandom(1));
            float[] v = sums.get("w").toFloatArray();
            double sq = 0;
            for (float x : v) {
                sq += x * x;
            }
            // the RMS of n = 200,000 draws of sd 0.1 has a standard error of 0.1/√(2n) = 1.6e-4: 0.002 is 12 of them
            // (and the seed is fixed, so the value never changes)
            assertThat(Math.sqrt(sq / v.length)).isCloseTo(2.0 * 0.5 / 10, within(0.002));
        }
    }

    @Test
    void poissonSamplingHasMeanQn() {
        SplittableRandom r = new SplittableRandom(2);
        long total = 0;
        for (int i = 0; i < 200; i++) {
            total += DpSgd.poissonSample(r, 10_000, 0.01).length;
        }
        // each draw is Binomial(10,000, 0.01), sd √99 ≈ 9.95; the mean of 200 has sd 0.70, so 3.0 is 4.3 of them
        // (fixed seed: deterministic)
        assertThat(total / 200.0).isCloseTo(100, within(3.0));
    }

    static TrainConfig config(int steps) {
        return new TrainConfig(steps, 8, 2e-3, 2, 0.0, 1.0, 0.9, 0.0, 3, 42);
    }

    @Test
    void stopsAtTheBudgetAndWritesEpsilonIntoTheCard(@TempDir Path dir) {
        DpSgdConfig dp = new DpSgdConfig(1.0, 3.0, 2.0, 1e-5, false);
        UNet unet = new UNet(DiffusionTrainerTest.CFG);
        ModelCard card = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(200), dir, dp)
                .train(DiffusionTrainerTest.squares(32), DiffusionTrainerTest.card(), null, false, ProgressListener.NONE);
        assertThat(card.privacy()).isNotNull();
        assertThat(card.step()).isLessThan(200).isPositive();
        assertThat(card.privacy().epsilon()).isLessThanOrEqualTo(2.0);
        RdpAccountant more = new RdpAccountant();
        more.step(3.0, 8 / 32.0, card.step() + 1);
        assertThat(more.epsilon(1e-5)).isGreaterThan(2.0);
        assertThat(ModelStore.readCard(dir.resolve("model")).privacy()).isEqualTo(card.privacy());
    }

    @Test
    void calibratesSigmaAndResumesExactly(@TempDir Path dir) {
        DpSgdConfig dp = new DpSgdConfig(1.0, 0, 8.0, 1e-5, false);
        UNet unet = new UNet(DiffusionTrainerTest.CFG);
        var data = DiffusionTrainerTest.squares(32);
        Path full = dir.resolve("full");
        ModelCard a = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(6), full, dp)
                .train(data, DiffusionTrainerTest.card(), null, false, ProgressListener.NONE);
        assertThat(a.step()).isEqualTo(6);
        assertThat(a.privacy().epsilon()).isBetween(7.99, 8.0);

        Path killed = dir.resolve("killed");
        DiffusionTrainer t = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(6), killed, dp);
        assertThatThrownBy(() -> t.train(data, DiffusionTrainerTest.card(), null, false, DiffusionTrainerTest.dieAt(4)));
        ModelCard b = t.train(data, DiffusionTrainerTest.card(), null, true, ProgressListener.NONE);
        assertThat(b.privacy()).isEqualTo(a.privacy());
        try (NDManager m = TorchRuntime.newManager();
                ModelStore.Loaded x = ModelStore.load(full.resolve("model"), false, m);
                ModelStore.Loaded y = ModelStore.load(killed.resolve("model"), false, m)) {
            assertThat(y.params().flatten()).containsExactly(x.params().flatten());
        }
    }
}
