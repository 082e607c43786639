package org.diffleak.torch.inversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.config.CnnConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.inversion.FederatedSetting;
import org.diffleak.core.inversion.InversionResults;
import org.diffleak.core.inversion.InversionSummary;
import org.diffleak.core.report.GradientInversionReportWriter;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.NativeTest;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.FakeDenoiser;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.nn.CnnClassifier;
import org.diffleak.torch.nn.CnnEncoder;
import org.diffleak.torch.nn.Params;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole study on tiny untrained models, a formula denoiser and synthetic images: plumbing and report. */
@Tag("conv")
@ExtendWith(SingleThread.class)
class GradientInversionStudyTest extends NativeTest {

    private static final int SIZE = 16;

    /** ε̂ = √(1−ᾱ_t) x_t = E[ε | x_t] under a standard-normal prior x₀ ~ N(0, I): exact and differentiable in x_t. */
    private static Denoiser shrinking() {
        NoiseSchedule schedule = NoiseSchedule.defaultLinear();
        return new FakeDenoiser(schedule, SIZE, (xt, t) -> Scalar.mul(xt, schedule.sqrtOneMinusAlphaBar(t)));
    }

    private static ImageDataset pool() {
        int perClass = 8;
        int n = 10 * perClass;
        float[] px = new float[n * SIZE * SIZE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < SIZE * SIZE; j++) {
                px[i * SIZE * SIZE + j] = ((j / SIZE + labels[i]) % 4 == 0 ? 0.8f : 0.1f) + 0.01f * (i % 7);
            }
        }
        return ImageDataset.of("synthetic", 1, SIZE, SIZE, px, labels);
    }

    @Test
    void runsEveryCellAndWritesTheReport(@TempDir Path dir) throws Exception {
        CnnClassifier shared = new CnnClassifier(new CnnConfig(1, SIZE, List.of(4, 8), 16, 3, 2));
        CnnClassifier fine = new CnnClassifier(new CnnConfig(1, SIZE, List.of(4, 8), 16, 10, 2));
        try (Params sp = Params.initialize(shared.specs(), Seeds.of(1), manager);
                Params fp = Params.initialize(fine.specs(), Seeds.of(2), manager)) {
            var settings = new GradientInversionStudy.Settings(List.of(4), List.of(Double.POSITIVE_INFINITY, 8.0), 2,
                    FederatedSetting.Draw.STYLE,
                    List.of("none", "diffusion"), new ClientUpdate.Settings(1, 0.1, null), 1.0, 1e-5,
                    new GradientMatching.Settings(10, 0.1, 1e-2, 1),
                    new DiffusionPriorGradientMatching.Settings(4, 2, 5, 2, 0.05, 0.3, 1e-2, 1), 3, 7);
            var models = new GradientInversionStudy.Models(shared, sp, fine, fp, new CnnEncoder(fine, fp), shrinking(),
                    new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
            InversionResults r = new GradientInversionStudy(settings).run(models, pool(), t -> ProgressListener.NONE);
            assertThat(r.outcomes()).hasSize(8);
            assertThat(r.summaries()).hasSize(4);
            for (InversionSummary s : r.summaries()) {
                if (Double.isInfinite(s.epsilon())) {
                    // one class per batch: p_c − 1 < 0 only at the batch's group, whatever the weights
                    assertThat(s.labelAccuracy()).isEqualTo(1.0);
                }
                assertThat(s.groupBaseline()).isBetween(0.2, 1 / 3.0 + 1e-9);
                assertThat(s.realImageAttributeAccuracy()).isBetween(0.0, 1.0);
            }
            r.outcomes().forEach(o -> assertThat(o.recovered()).hasSize(SIZE * SIZE));
            Path out = dir.resolve("report");
            GradientInversionReportWriter.write(r, out);
            assertThat(Files.readString(out.resolve("index.html"))).contains("<img").contains("Batch 4, ε ∞");
            assertThat(Files.readString(out.resolve("results.json"))).contains("\"attributeAccuracy\"");
            var section = GradientInversionReportWriter.section(out.resolve("results.json"), "gi/index.html");
            assertThat(section.rows()).hasSize(r.summaries().size());
            InversionSummary first = r.summaries().get(0);
            assertThat(section.rows().get(0).get(0)).isEqualTo(Integer.toString(first.batchSize()));
            assertThat(section.rows().get(0).get(5))
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.0f%%", 100 * first.attributeAccuracy()));
        }
    }

    @Test
    void theDiffusionPriorKeepsTheRestartOfLowestFinalLoss() {
        CnnClassifier shared = new CnnClassifier(new CnnConfig(1, SIZE, List.of(4, 8), 16, 3, 2));
        ImageDataset pool = pool();
        float[] x = new float[4 * SIZE * SIZE];
        for (int i = 0; i < 4; i++) {
            pool.copyImage(10 * i + 3, x, i * SIZE * SIZE);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * x[i] - 1;
        }
        try (Params sp = Params.initialize(shared.specs(), Seeds.of(1), manager);
                ai.djl.ndarray.NDManager m = sp.manager().newSubManager()) {
            var observed = new ClientUpdate(new ClientUpdate.Settings(1, 0.1, null)).compute(shared, sp, x,
                    new int[] {0, 0, 0, 0}, Seeds.of(2), m);
            float[] target = {1, 0, 0};
            double[] loss = new double[4];
            for (int r = 1; r <= 3; r++) {
                loss[r] = new DiffusionPriorGradientMatching(new DiffusionPriorGradientMatching.Settings(4, 2, 5, 3,
                        0.05, 0.3, 1e-2, r)).invert(shrinking(), shared, sp, observed, target, Seeds.of(3),
                                ProgressListener.NONE).loss();
            }
            // restart r starts from the same seeded z whatever R is, so more restarts can only lower the kept loss
            assertThat(loss[2]).isLessThanOrEqualTo(loss[1]);
            assertThat(loss[3]).isLessThanOrEqualTo(loss[2]);
        }
    }
}
