package org.diffleak.torch.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.property.BinaryProperty;
import org.diffleak.core.property.PropertyResults;
import org.diffleak.core.report.PropertyReportWriter;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.ClassifierGuidance;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.DiffusionTrainerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole property study on a tiny base and 8×8 images whose property (footwear classes 5, 7, 9) is a
 * bright square: every release gets its row, the attacker's calibration is measured the right way round,
 * the private sampler releases with at most its draws, and a rerun replays every number from the cache.
 */
class PropertyStudyTest extends NativeTest {

    @TempDir
    Path dir;

    /** Labels cycle through 0 … 9; footwear images carry a bright 3×3 square on dark noise, the rest only noise. */
    private static ImageDataset shapes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < 64; j++) {
                px[i * 64 + j] = (float) (0.3 * r.nextDouble());
            }
            if (labels[i] == 5 || labels[i] == 7 || labels[i] == 9) {
                int ox = r.nextInt(5);
                int oy = r.nextInt(5);
                for (int y = oy; y < oy + 3; y++) {
                    for (int x = ox; x < ox + 3; x++) {
                        px[i * 64 + y * 8 + x] = 1f;
                    }
                }
            }
        }
        return ImageDataset.of("shapes-" + seed, 1, 8, 8, px, labels);
    }

    @Test
    void everyReleaseGetsItsRowAndARerunReplaysFromTheCache() {
        UNetConfig cfg = UNetConfig.tiny(1, 8);
        Path baseRun = dir.resolve("base");
        new DiffusionTrainer(new UNet(cfg), ScheduleConfig.defaultLinear().build(),
                new TrainConfig(30, 16, 3e-3, 5, 0, 1.0, 0.9, 0, 30, 1), baseRun)
                .train(shapes(100, 1), DiffusionTrainerTest.card(cfg), null, false, ProgressListener.NONE);
        var settings = new PropertyStudy.Settings(BinaryProperty.parse("footwear"), baseRun.resolve("model"),
                new double[] {0.2, 0.8}, new double[] {0.2, 0.8}, 20, 2, 8, 1e-3, 8, 3, 0.5, 1.0,
                ClassifierGuidance.Mode.PREDICTED_X0, 2, new double[] {8}, 0.8, 60, 5, 20, 20, 10, 4, 3);
        var data = new PropertyStudy.Data(shapes(300, 2), shapes(100, 3), shapes(40, 4));
        Path cache = dir.resolve("cache");
        PropertyResults first = new PropertyStudy(settings, cache, new PrintWriter(new StringWriter()),
                t -> ProgressListener.NONE).run(data, manager);

        assertThat(first.rows()).extracting(PropertyResults.Row::setting).containsExactly(PropertyResults.UNDEFENDED,
                PropertyResults.PRIVATE, PropertyResults.UNDEFENDED, PropertyResults.PRIVATE, PropertyResults.DP);
        assertThat(first.rows()).extracting(PropertyResults.Row::trueShare).containsExactly(0.2, 0.2, 0.8, 0.8, 0.8);
        // a bright square is easy to see: swapped TPR and FPR would put these the other way round
        assertThat(first.attackerTpr()).isGreaterThan(0.9);
        assertThat(first.attackerFpr()).isLessThan(0.1);
        for (PropertyResults.Row row : first.rows()) {
            assertThat(row.classifierCount().share()).isBetween(0.0, 1.0);
            assertThat(row.classifierCount().lower()).isLessThanOrEqualTo(row.classifierCount().upper());
            assertThat(row.frechet()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(row.gridCount()).isEqualTo(4);
            boolean defended = row.setting().equals(PropertyResults.PRIVATE);
            assertThat(row.drawsPerSample()).isBetween(1.0, defended ? 2.0 : 1.0);
            assertThat(Double.isNaN(row.targetHitRate())).isEqualTo(!defended);
        }
        PropertyResults.Row dp = first.rows().get(4);
        assertThat(dp.epsilon()).isPositive().isLessThanOrEqualTo(8);

        StringWriter log = new StringWriter();
        PropertyResults again = new PropertyStudy(settings, cache, new PrintWriter(log), t -> ProgressListener.NONE)
                .run(data, manager);
        assertThat(log.toString()).contains("cached").doesNotContain("fine-tuning");
        for (int i = 0; i < first.rows().size(); i++) {
            assertThat(again.rows().get(i).classifierCount()).isEqualTo(first.rows().get(i).classifierCount());
            assertThat(again.rows().get(i).shadow()).isEqualTo(first.rows().get(i).shadow());
            assertThat(again.rows().get(i).frechet()).isEqualTo(first.rows().get(i).frechet());
            assertThat(again.rows().get(i).grid()).containsExactly(first.rows().get(i).grid());
        }
        PropertyReportWriter.write(first, dir.resolve("report"));
        assertThat(dir.resolve("report").resolve(PropertyReportWriter.HTML)).isRegularFile();
        assertThat(first.meanAbsoluteError(PropertyResults.UNDEFENDED, false)).isFinite();
    }
}
