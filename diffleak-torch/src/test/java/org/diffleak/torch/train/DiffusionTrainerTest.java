package org.diffleak.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ModelCard;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("conv")
public class DiffusionTrainerTest {

    /** The smallest UNet the trainer tests use; attention is switched on where a test needs it. */
    public static final UNetConfig CFG = new UNetConfig(1, 8, 8, java.util.List.of(1, 2), 1, false, 0, 4);

    /** Bright squares at random places: a learnable toy distribution. */
    public static ImageDataset squares(int n) {
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            int ox = r.nextInt(5);
            int oy = r.nextInt(5);
            for (int y = oy; y < oy + 3; y++) {
                for (int x = ox; x < ox + 3; x++) {
                    px[i * 64 + y * 8 + x] = 1f;
                }
            }
            labels[i] = i % 2;
        }
        return ImageDataset.of("squares", 1, 8, 8, px, labels);
    }

    static TrainConfig config(int steps) {
        return new TrainConfig(steps, 8, 2e-3, 2, 0.0, 1.0, 0.9, 0.0, 3, 42);
    }

    public static ModelCard card() {
        return card(CFG);
    }

    public static ModelCard card(UNetConfig cfg) {
        return new ModelCard("unet-denoiser", cfg, ScheduleConfig.defaultLinear(), config(6), "squares", "all", 32,
                0, Double.NaN, null, Map.of(), null);
    }

    /** A progress listener that throws when step `step` is done: a kill in the middle of training. */
    public static ProgressListener dieAt(long step) {
        return new ProgressListener() {
            public void start(String task, long total) {}
            public void update(long done, String status) {
                if (done == step) {
                    throw new IllegalStateException("simulated kill");
                }
            }
            public void finish(String summary) {}
        };
    }

    private float[] weights(Path run) {
        try (NDManager m = TorchRuntime.newManager();
                ModelStore.Loaded l = ModelStore.load(run.resolve("model"), false, m)) {
            return l.params().flatten();
        }
    }

    /** Bit-exact with and without self-attention: its bmm and softmax round the same way in every pass. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void resumedRunReachesTheSameWeightsAsAnUninterruptedOne(boolean attention, @TempDir Path dir) {
        ImageDataset data = squares(32);
        UNetConfig cfg = new UNetConfig(1, 8, 8, java.util.List.of(1, 2), 1, attention, 0, 4);
        UNet unet = new UNet(cfg);
        Path full = dir.resolve("full");
        new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(6), full)
                .train(data, card(cfg), null, false, ProgressListener.NONE);

        Path killed = dir.resolve("killed");
        DiffusionTrainer t = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(6), killed);
        assertThatThrownBy(() -> t.train(data, card(cfg), null, false, dieAt(4))).hasMessage("simulated kill");
        assertThat(DiffusionTrainer.checkpointStep(killed)).isEqualTo(3);
        assertThat(Files.exists(killed.resolve("model"))).isFalse();

        t.train(data, card(cfg), null, true, ProgressListener.NONE);
        assertThat(weights(killed)).containsExactly(weights(full));
    }

    @Test
    void lossFallsOnALearnableDistribution(@TempDir Path dir) {
        TrainConfig c = new TrainConfig(60, 16, 3e-3, 5, 0.0, 1.0, 0.9, 0.0, 60, 1);
        double[] losses = new double[60];
        ProgressListener record = new ProgressListener() {
            public void start(String task, long total) {}
            public void update(long done, String status) {
                if (done > 0) {
                    losses[(int) done - 1] = Double.parseDouble(status.split(" ")[1]);
                }
            }
            public void finish(String summary) {}
        };
        ModelCard out = new DiffusionTrainer(new UNet(CFG), ScheduleConfig.defaultLinear().build(), c, dir)
                .train(squares(64), card(), null, false, record);
        double first = (losses[0] + losses[1] + losses[2] + losses[3] + losses[4]) / 5;
        double last = (losses[55] + losses[56] + losses[57] + losses[58] + losses[59]) / 5;
        assertThat(last).isLessThan(0.6 * first);
        assertThat(out.step()).isEqualTo(60);
        assertThat(ModelStore.readCard(dir.resolve("model")).finalLoss()).isEqualTo(out.finalLoss());
    }

    @Test
    void nanLossStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) {
        ImageDataset good = squares(32);
        UNet unet = new UNet(CFG);
        DiffusionTrainer t = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(3), dir);
        t.train(good, card(), null, false, ProgressListener.NONE);
        float[] px = good.pixels().clone();
        java.util.Arrays.fill(px, Float.NaN);
        ImageDataset bad = ImageDataset.of("nan", 1, 8, 8, px, good.labels());
        DiffusionTrainer more = new DiffusionTrainer(unet, ScheduleConfig.defaultLinear().build(), config(6), dir);
        assertThatThrownBy(() -> more.train(bad, card(), null, true, ProgressListener.NONE))
                .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("step 4");
        assertThat(DiffusionTrainer.checkpointStep(dir)).isEqualTo(3);
    }

    @Test
    void wrongImageShapeIsAClearError(@TempDir Path dir) {
        ImageDataset wrong = ImageDataset.of("big", 1, 16, 16, new float[256], new int[1]);
        DiffusionTrainer t = new DiffusionTrainer(new UNet(CFG), ScheduleConfig.defaultLinear().build(), config(3), dir);
        assertThatThrownBy(() -> t.train(wrong, card(), null, false, ProgressListener.NONE))
                .isInstanceOf(DataException.class).hasMessageContaining("big: images are 1x16x16");
    }
}
