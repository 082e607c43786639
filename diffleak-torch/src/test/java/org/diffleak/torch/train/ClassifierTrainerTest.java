package org.diffleak.torch.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.DpSgdConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.io.DataException;
import org.diffleak.core.model.ClassifierCard;
import org.diffleak.core.model.PrivacySpent;
import org.diffleak.core.privacy.RdpAccountant;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.Params;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conv")
class ClassifierTrainerTest extends NativeTest {

    static final CnnConfig CFG = new CnnConfig(1, 8, List.of(8, 16), 16, 2, 4);


    /** A noisy 3×3 bright square near the top-left corner (label 0) or the bottom-right one (label 1). */
    static ImageDataset corners(int n, long seed) {
        float[] px = new float[n * 64];
        Seeds.gaussian(new SplittableRandom(seed), px);
        SplittableRandom r = new SplittableRandom(seed + 1);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int ox = r.nextInt(2) + 4 * labels[i];
            int oy = r.nextInt(2) + 4 * labels[i];
            for (int p = 0; p < 64; p++) {
                boolean in = p / 8 >= oy && p / 8 < oy + 3 && p % 8 >= ox && p % 8 < ox + 3;
                px[i * 64 + p] = Math.min(1f, Math.max(0f, (in ? 1f : 0f) + 0.1f * px[i * 64 + p]));
            }
        }
        return ImageDataset.of("corners", 1, 8, 8, px, labels);
    }

    static ClassifierTrainer trainer(int steps, long seed) {
        return new ClassifierTrainer(new CnnClassifier(CFG), new ClassifierTrainer.Recipe(steps, 16, 3e-3, 0.0, seed));
    }

    @Test
    void learnsToTellTheCornersApart() {
        try (ClassifierTrainer.Trained t = trainer(60, 1).train(corners(64, 10), manager, ProgressListener.NONE)) {
            double acc = ClassifierTrainer.accuracy(t.net(), t.params(), corners(200, 20));
            assertThat(acc).isGreaterThanOrEqualTo(0.95);
            assertThat(t.card().steps()).isEqualTo(60);
            assertThat(t.card().finalLoss()).isLessThan(Math.log(2));
            assertThat(t.card().dataset()).isEqualTo("corners");
        }
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        ImageDataset data = corners(32, 10);
        try (ClassifierTrainer.Trained a = trainer(5, 7).train(data, manager, ProgressListener.NONE);
                ClassifierTrainer.Trained b = trainer(5, 7).train(data, manager, ProgressListener.NONE);
                ClassifierTrainer.Trained c = trainer(5, 8).train(data, manager, ProgressListener.NONE)) {
            assertThat(a.params().flatten()).containsExactly(b.params().flatten());
            assertThat(a.params().flatten()).isNotEqualTo(c.params().flatten());
        }
    }

    @Test
    void saveAndLoadGiveIdenticalLogits(@TempDir Path dir) {
        ImageDataset test = corners(8, 30);
        try (ClassifierTrainer.Trained t = trainer(4, 3).train(corners(32, 10), manager, ProgressListener.NONE)) {
            ClassifierTrainer.save(dir.resolve("clf"), t);
            try (ClassifierTrainer.Trained l = ClassifierTrainer.load(dir.resolve("clf"), manager)) {
                assertThat(l.card()).isEqualTo(t.card());
                int[] all = IntStream.range(0, test.size()).toArray();
                float[] before = t.net().logits(t.params(), ClassifierTrainer.images(manager, test, all)).toFloatArray();
                float[] after = l.net().logits(l.params(), ClassifierTrainer.images(manager, test, all)).toFloatArray();
                assertThat(after).containsExactly(before);
                assertThat(ClassifierTrainer.predict(l.net(), l.params(), test))
                        .containsExactly(ClassifierTrainer.predict(t.net(), t.params(), test));
            }
        }
    }

    @Test
    void mismatchedWeightsNameTheFile(@TempDir Path dir) throws Exception {
        for (CnnConfig c : List.of(CFG, new CnnConfig(1, 8, List.of(8, 8), 16, 2, 4))) {
            CnnClassifier net = new CnnClassifier(c);
            ClassifierCard card = new ClassifierCard(c, 0, Double.NaN, "none", null);
            try (ClassifierTrainer.Trained t = new ClassifierTrainer.Trained(card, net,
                    Params.initialize(net.specs(), Seeds.of(1), manager))) {
                ClassifierTrainer.save(dir.resolve("w" + c.widths().get(1)), t);
            }
        }
        Path weights = dir.resolve("w16").resolve(ClassifierTrainer.WEIGHTS);
        Files.copy(dir.resolve("w8").resolve(ClassifierTrainer.WEIGHTS), weights, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClassifierTrainer.load(dir.resolve("w16"), manager))
                .isInstanceOf(DataException.class).hasMessageContaining(weights + ": parameter stage1");
        assertThatThrownBy(() -> ClassifierTrainer.load(dir, manager))
                .isInstanceOf(DataException.class).hasMessageContaining("no classifier.json");
    }

    @Test
    void dpSgdSpendsTheCalibratedEpsilonAndStopsAtTheBudget(@TempDir Path dir) {
        ImageDataset data = corners(64, 10);
        ClassifierTrainer.Recipe recipe = new ClassifierTrainer.Recipe(20, 16, 3e-3, 0.0, 1);
        DpSgdConfig calibrated = new DpSgdConfig(1.0, 0, 4.0, 1e-5, false);
        try (ClassifierTrainer.Trained t = new ClassifierTrainer(new CnnClassifier(CFG), recipe, calibrated)
                .train(data, manager, ProgressListener.NONE)) {
            PrivacySpent p = t.card().privacy();
            assertThat(t.card().steps()).isEqualTo(20);
            assertThat(t.card().finalLoss()).isFinite();
            assertThat(p.sampleRate()).isEqualTo(16 / 64.0);
            assertThat(p.epsilon()).isBetween(3.99, 4.0);
            RdpAccountant check = new RdpAccountant();
            check.step(p.noiseMultiplier(), p.sampleRate(), 20);
            assertThat(check.epsilon(1e-5)).isEqualTo(p.epsilon());
            ClassifierTrainer.save(dir.resolve("dp"), t);
            assertThat(ClassifierTrainer.readCard(dir.resolve("dp"))).isEqualTo(t.card());
        }
        // a fixed σ = 2 reaches ε = 2 after about 7 of 200 steps: training stops at the last step within budget
        DpSgdConfig fixed = new DpSgdConfig(1.0, 2.0, 2.0, 1e-5, false);
        ClassifierTrainer long200 = new ClassifierTrainer(new CnnClassifier(CFG),
                new ClassifierTrainer.Recipe(200, 16, 3e-3, 0.0, 1), fixed);
        try (ClassifierTrainer.Trained t = long200.train(data, manager, ProgressListener.NONE)) {
            long steps = t.card().steps();
            assertThat(steps).isPositive().isLessThan(200);
            assertThat(t.card().privacy().epsilon()).isLessThanOrEqualTo(2.0);
            RdpAccountant more = new RdpAccountant();
            more.step(2.0, 0.25, steps + 1);
            assertThat(more.epsilon(1e-5)).isGreaterThan(2.0);
        }
    }

    @Test
    void labelsOutsideTheClassesAreAClearError() {
        ImageDataset three = ImageDataset.of("three", 1, 8, 8, new float[3 * 64], new int[] {0, 1, 2});
        assertThatThrownBy(() -> trainer(1, 1).train(three, manager, ProgressListener.NONE))
                .isInstanceOf(DataException.class).hasMessageContaining("three: image 2 has label 2");
    }
}
