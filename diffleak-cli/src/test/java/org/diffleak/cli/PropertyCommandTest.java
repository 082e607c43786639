package org.diffleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.TorchRuntime;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.NoiseAwareClassifier;
import org.diffleak.torch.train.ClassifierTrainer;
import org.diffleak.torch.train.NoiseAwareClassifierTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertyCommandTest {

    @TempDir
    Path dir;

    @Test
    void propertyRejectsBadInputInOneLine() {
        for (String[] args : new String[][] {
            {"property", "--property", "hats"},
            {"property", "--shares", "0.1,x"},
            {"property", "--shares", "1.5"},
            {"property", "--target-share", "2"},
            {"property", "--shadow-shares", "0.5"},
            {"property", "--base", dir.resolve("missing").toString()}}) {
            CliTest.Run r = CliTest.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    /** A tiny model and a 3-step guide: the private sampler replays per seed and checks the guide's property. */
    @Test
    void samplePrivatePropertyIsSeededAndChecksTheClassifier() throws Exception {
        Path job = TinyJob.write(dir);
        Path runDir = dir.resolve("run");
        CliTest.Run t = CliTest.run("train", "--config", job.toString(), "--out", runDir.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path guide = dir.resolve("guide");
        Path check = dir.resolve("check");
        try (NDManager m = TorchRuntime.newManager()) {
            float[] px = new float[8 * 64];
            int[] y = new int[8];
            for (int i = 0; i < 8; i++) {
                y[i] = i % 2;
                java.util.Arrays.fill(px, i * 64, i * 64 + 64, 0.2f + 0.6f * y[i]);
            }
            var trainer = new NoiseAwareClassifierTrainer(new NoiseAwareClassifier(
                    new CnnConfig(1, 8, List.of(8), 8, 2, 4), 1000), new ScheduleConfig("linear", 1000, 1e-4, 0.02),
                    new ClassifierTrainer.Recipe(3, 8, 1e-3, 0, 1));
            ImageDataset flat = ImageDataset.of("flat", 1, 8, 8, px, y);
            try (var c = trainer.train(flat, "footwear", m, ProgressListener.NONE)) {
                NoiseAwareClassifierTrainer.save(guide, c);
            }
            try (var c = new ClassifierTrainer(new CnnClassifier(new CnnConfig(1, 8, List.of(8), 8, 2, 4)),
                    new ClassifierTrainer.Recipe(3, 8, 1e-3, 0, 2)).train(flat, m, ProgressListener.NONE)) {
                ClassifierTrainer.save(check, c);
            }
        }
        String model = runDir.resolve("model").toString();
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        CliTest.Run ra = CliTest.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o", a.toString(),
                "--private-property", "footwear", "--target-share", "0.5", "--property-classifier", guide.toString());
        assertThat(ra.code()).as(ra.err()).isZero();
        assertThat(ra.out()).contains("private sampler: 3 of 6 samples steered towards footwear");
        CliTest.Run rb = CliTest.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o", b.toString(),
                "--private-property", "footwear", "--target-share", "0.5", "--property-classifier", guide.toString());
        assertThat(rb.code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        CliTest.Run rc = CliTest.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o",
                dir.resolve("c.png").toString(), "--private-property", "footwear", "--property-classifier",
                guide.toString(), "--check-classifier", check.toString(), "--max-attempts", "2");
        assertThat(rc.code()).as(rc.err()).isZero();
        assertThat(rc.out()).containsPattern("private sampler: \\d of 6 samples pass the check after \\d+ draws");
        for (String[] args : new String[][] {
            {"sample", "-m", model, "--private-property", "footwear"},
            {"sample", "-m", model, "--private-property", "tops", "--property-classifier", guide.toString()},
            {"sample", "-m", model, "--private-property", "footwear", "--property-classifier", guide.toString(),
                "--target-share", "1.5"}}) {
            CliTest.Run r = CliTest.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }
}
