package org.diffleak.torch.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.diffleak.core.config.ScheduleConfig;
import org.diffleak.core.config.TrainConfig;
import org.diffleak.core.config.UNetConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.nn.UNet;
import org.diffleak.torch.runtime.TorchRuntime;
import org.diffleak.torch.train.DiffusionTrainer;
import org.diffleak.torch.train.DiffusionTrainerTest;
import org.diffleak.torch.train.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("conv")
class GrayBoxAttacksTest {

    static final int N = 48;
    @TempDir
    static Path dir;
    static NDManager manager;
    static ModelStore.Loaded target;
    static ModelStore.Loaded unrelated;
    static ImageDataset members;
    static ImageDataset nonMembers;
    static ImageDataset candidates;
    static boolean[] labels;

    /** A bright square on a textured background: every image distinct, so a model can memorise some. */
    static ImageDataset textured(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] px = new float[n * 64];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 64; j++) {
                px[i * 64 + j] = (float) (0.4 * r.nextDouble());
            }
            int ox = r.nextInt(5);
            int oy = r.nextInt(5);
            for (int y = oy; y < oy + 3; y++) {
                for (int x = ox; x < ox + 3; x++) {
                    px[i * 64 + y * 8 + x] = 1f;
                }
            }
        }
        return ImageDataset.of("textured-" + seed, 1, 8, 8, px, new int[n]);
    }

    static ModelStore.Loaded train(ImageDataset data, Path out) {
        TrainConfig c = new TrainConfig(800, 16, 3e-3, 20, 0, 1.0, 0.95, 0, 800, 9);
        UNetConfig cfg = UNetConfig.tiny(1, 8);
        new DiffusionTrainer(new UNet(cfg), ScheduleConfig.defaultLinear().build(), c, out)
                .train(data, DiffusionTrainerTest.card(cfg), null, false, ProgressListener.NONE);
        return ModelStore.load(out.resolve("model"), true, manager);
    }

    @BeforeAll
    static void models() {
        manager = TorchRuntime.newManager();
        members = textured(N, 1);
        nonMembers = textured(N, 2);
        target = train(members, dir.resolve("target"));
        unrelated = train(textured(N, 3), dir.resolve("unrelated"));
        float[] px = new float[2 * N * 64];
        System.arraycopy(members.pixels(), 0, px, 0, N * 64);
        System.arraycopy(nonMembers.pixels(), 0, px, N * 64, N * 64);
        candidates = ImageDataset.of("candidates", 1, 8, 8, px, new int[2 * N]);
        labels = new boolean[2 * N];
        for (int i = 0; i < N; i++) {
            labels[i] = true;
        }
    }

    @AfterAll
    static void close() {
        target.close();
        unrelated.close();
        manager.close();
    }

    static List<MembershipAttack> attacks() {
        return List.of(new LossAttack(100, 4, 5, 32), PiaAttack.pia(32), PiaAttack.pian(32), new SecMiAttack(50, 10, 32),
                new SimaAttack(10, 32, SimaAttack.Statistic.L4));
    }

    static double auc(MembershipAttack a, Denoiser d) {
        return MembershipMetrics.auc(labels, a.score(d, candidates, ProgressListener.NONE));
    }

    @Test
    void attacksFindTheMembersOfAnOverfittedModel() {
        List<MembershipAttack> all = attacks();
        double[] aucs = all.stream().mapToDouble(a -> auc(a, target.denoiser())).toArray();
        for (int i = 0; i < aucs.length; i++) {
            System.out.printf("%s AUC on the target: %.3f%n", all.get(i).name(), aucs[i]);
        }
        // measured here: loss 0.96, PIA 0.78, PIAN 0.82, SecMI 0.94, SimA 0.98; a flipped score sign gives 1 − AUC
        double[] floor = {0.85, 0.7, 0.7, 0.85, 0.9};
        for (int i = 0; i < aucs.length; i++) {
            assertThat(aucs[i]).as(all.get(i).name()).isGreaterThan(floor[i]);
        }
    }

    /** ARCHITECTURE.md's null check: on a model that saw neither split, AUC ≈ 0.5 within 4 null standard errors. */
    @Test
    void nullModelGivesChanceAuc() {
        double tol = Math.max(0.05, 4 * MembershipMetrics.nullAucStandardError(N, N));
        for (MembershipAttack a : attacks()) {
            double auc = auc(a, unrelated.denoiser());
            System.out.printf("%s AUC on the null model: %.3f%n", a.name(), auc);
            assertThat(auc).as(a.name()).isCloseTo(0.5, within(tol));
        }
    }

    @Test
    void scoresDependOnTheImageOnlyNotItsBatch() {
        for (MembershipAttack a : List.of(new LossAttack(100, 2, 5, 7), new LossAttack(100, 2, 5, 96))) {
            double[] s = a.score(target.denoiser(), candidates, ProgressListener.NONE);
            double[] again = new LossAttack(100, 2, 5, 32).score(target.denoiser(), candidates, ProgressListener.NONE);
            for (int i = 0; i < s.length; i++) {
                assertThat(s[i]).isCloseTo(again[i], within(1e-4 * Math.abs(again[i]) + 1e-6));
            }
        }
        int[] firstTen = IntStream.range(0, 10).toArray();
        double[] sub = PiaAttack.pia(4).score(target.denoiser(), candidates.subset(firstTen, "ten"), ProgressListener.NONE);
        double[] all = PiaAttack.pia(32).score(target.denoiser(), candidates, ProgressListener.NONE);
        for (int i = 0; i < 10; i++) {
            assertThat(sub[i]).isCloseTo(all[i], within(1e-4 * Math.abs(all[i]) + 1e-6));
        }
    }
}
