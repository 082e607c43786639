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
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.NoiseAwareClassifier;
import org.diffleak.torch.runtime.TorchRuntime;
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
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    /** A tiny model and a 3-step guide: the private sampler replays per seed and checks the guide's property. */
    @Test
    void samplePrivatePropertyIsSeededAndChecksTheClassifier() throws Exception {
        Path job = TinyJob.write(dir);
        Path runDir = dir.resolve("run");
        Cli.Run t = Cli.run("train", "--config", job.toString(), "--out", runDir.toString());
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
        Cli.Run ra = Cli.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o", a.toString(),
                "--private-property", "footwear", "--target-share", "0.5", "--property-classifier", guide.toString());
        assertThat(ra.code()).as(ra.err()).isZero();
        assertThat(ra.out()).contains("private sampler: 3 of 6 samples steered towards footwear");
        Cli.Run rb = Cli.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o", b.toString(),
                "--private-property", "footwear", "--target-share", "0.5", "--property-classifier", guide.toString());
        assertThat(rb.code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        Cli.Run rc = Cli.run("sample", "-m", model, "-n", "6", "--steps", "3", "--seed", "4", "-o",
                dir.resolve("c.png").toString(), "--private-property", "footwear", "--property-classifier",
                guide.toString(), "--check-classifier", check.toString(), "--max-attempts", "2");
        assertThat(rc.code()).as(rc.err()).isZero();
        assertThat(rc.out()).containsPattern("private sampler: \\d of 6 samples pass the check after \\d+ draws");
        for (String[] args : new String[][] {
            {"sample", "-m", model, "--private-property", "footwear"},
            {"sample", "-m", model, "--private-property", "tops", "--property-classifier", guide.toString()},
            {"sample", "-m", model, "--private-property", "footwear", "--property-classifier", guide.toString(),
                "--target-share", "1.5"}}) {
            Cli.Run r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("diffleak: error:").doesNotContain("\n");
        }
    }

    /** A generated table: sex F for every third row, x larger for F, label y from x. */
    private Path table() throws java.io.IOException {
        StringBuilder sb = new StringBuilder("y,sex,x\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 480; i++) {
            boolean f = i % 3 == 0;
            double x = (f ? 1 : -1) + r.nextGaussian();
            sb.append(x + r.nextGaussian() > 0 ? "yes" : "no").append(',').append(f ? "F" : "M").append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.4f", x)).append('\n');
        }
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, sb.toString());
        return csv;
    }

    @Test
    void tablePropertyRejectsBadInputInOneLine() throws Exception {
        String csv = table().toString();
        for (String[] c : new String[][] {
            {"gender=F", "0.5", "people.csv: no column named 'gender' for property gender=F; columns: y, sex, x"},
            {"sex=X", "0.5", "people.csv: column sex has no value 'X'; its values: F, M"},
            {"sex=F", "1.0", "--target-share must be in (0, 1), got 1.0"},
            {"x>99", "0.5", "people.csv: property x>99 holds for no row, so it has no share to infer"}}) {
            Cli.Run r = Cli.run("property", "--table", csv, "--property", c[0], "--target-share", c[1],
                    "--cache", dir.resolve("cache").toString(), "--out", dir.resolve("out").toString());
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).isEqualTo("diffleak: error: " + c[2] + System.lineSeparator());
        }
    }

    /** The whole table study at toy size: --json prints every release; the private release sits at p*. */
    @Test
    void tablePropertyStudyPrintsJsonPerRelease() throws Exception {
        Path out = dir.resolve("report");
        Cli.Run r = Cli.run("property", "--table", table().toString(), "--property", "sex=F", "--shares",
                "0.2,0.8", "--shadow-shares", "0.2,0.8", "--target-size", "40", "--steps", "3", "--batch", "16",
                "--hidden", "16", "--samples", "40", "--ddim-steps", "4", "--target-share", "0.25", "--dp-epsilons", "8", "--dp-share", "0.8",
                "--bootstrap", "100", "--cache", dir.resolve("cache").toString(), "--out", out.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        var root = org.diffleak.core.util.Json.MAPPER.readTree(r.out());
        assertThat(root.path("property").asText()).isEqualTo("sex=F");
        assertThat(root.path("ml_efficacy_label").path("column").asText()).isEqualTo("y");
        assertThat(root.path("rows")).hasSize(5);
        for (var row : root.path("rows")) {
            assertThat(row.path("classifier_count").path("ci95")).hasSize(2);
            assertThat(row.path("shadow_regression").path("estimate").isNumber()).isTrue();
            assertThat(row.path("ml_efficacy").path("accuracy").asDouble()).isBetween(0.0, 1.0);
            assertThat(row.path("fidelity").path("mean_ks").asDouble()).isBetween(0.0, 1.0);
            if (row.path("setting").asText().equals("private sampler")) {
                assertThat(row.path("released_share").asDouble()).isEqualTo(0.25);
            }
        }
        assertThat(root.path("private_mean_distance_to_target").asDouble()).isZero();
        assertThat(Files.readString(out.resolve("index.html"))).contains("Shadow regression: estimate vs truth");
        assertThat(out.resolve("results.json")).exists();
    }
}
