package org.diffleak.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.nn.NoiseAwareClassifier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conv")
class NoiseAwareClassifierTrainerTest extends NativeTest {

    private static final ScheduleConfig SCHEDULE = new ScheduleConfig("linear", 1000, 1e-4, 0.02);
    private static final CnnConfig CNN = new CnnConfig(1, 8, List.of(8, 16), 16, 2, 4);

    /** Class 1: bright left half; class 0: bright right half (8×8, pixels in [0, 1]). */
    private static ImageDataset halves(int n) {
        float[] px = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    px[i * 64 + r * 8 + c] = (c < 4) == (y[i] == 1) ? 0.9f : 0.1f;
                }
            }
        }
        return ImageDataset.of("halves", 1, 8, 8, px, y);
    }

    @Test
    void learnsFromNoisedImagesAndRoundTrips(@TempDir Path dir) {
        ImageDataset data = halves(64);
        var recipe = new ClassifierTrainer.Recipe(60, 32, 3e-3, 0, 5);
        var trainer = new NoiseAwareClassifierTrainer(new NoiseAwareClassifier(CNN, 1000), SCHEDULE, recipe);
        try (NoiseAwareClassifierTrainer.Trained c = trainer.train(data, "left", manager, ProgressListener.NONE)) {
            double[] clean = NoiseAwareClassifierTrainer.probabilities(c, data, 50, 1);
            int hits = 0;
            for (int i = 0; i < clean.length; i++) {
                hits += (clean[i] > 0.5) == (data.labels()[i] == 1) ? 1 : 0;
            }
            assertThat(hits).isEqualTo(data.size());
            // at t = T−1 the image is gone: the classifier can only be unsure
            double[] noisy = NoiseAwareClassifierTrainer.probabilities(c, data, 999, 1);
            assertThat(java.util.Arrays.stream(noisy).map(q -> Math.abs(q - 0.5)).average().orElseThrow())
                    .isLessThan(0.25);
            NoiseAwareClassifierTrainer.save(dir.resolve("guide"), c);
            try (NoiseAwareClassifierTrainer.Trained back = NoiseAwareClassifierTrainer.load(dir.resolve("guide"), manager)) {
                assertThat(back.card().property()).isEqualTo("left");
                assertThat(NoiseAwareClassifierTrainer.probabilities(back, data, 50, 1)).containsExactly(clean);
            }
        }
        assertThatThrownBy(() -> NoiseAwareClassifierTrainer.load(dir.resolve("missing"), manager))
                .isInstanceOf(DataException.class).hasMessageContaining("not a noise-aware classifier directory");
    }
}
