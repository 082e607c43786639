package org.diffleak.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.report.AttackOutcome;
import org.junit.jupiter.api.Test;

class CalibratedScoringTest {

    static final int N = 600;
    static final int Z = 300;
    static final int SHADOWS = 16;

    /** Rows [N + Z][1]: a per-candidate difficulty plus a membership shift; z never trained on. */
    private static double[][] rows(double[] difficulty, boolean[] in, SplittableRandom r) {
        double[][] x = new double[difficulty.length][1];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = difficulty[i] + (i < in.length && in[i] ? 0.8 : 0) + 0.3 * r.nextGaussian();
        }
        return x;
    }

    @Test
    void calibratedAttacksBeatTheGlobalThresholdAndGrowWithShadows() {
        SplittableRandom r = new SplittableRandom(11);
        double[] difficulty = IntStream.range(0, N + Z).mapToDouble(i -> 2 * r.nextGaussian()).toArray();
        boolean[] targetIn = new boolean[N];
        boolean[][] shadowIn = new boolean[SHADOWS][N];
        for (int i = 0; i < N; i++) {
            targetIn[i] = r.nextBoolean();
            for (int m = 0; m < SHADOWS; m++) {
                shadowIn[m][i] = r.nextBoolean();
            }
        }
        List<double[][]> shadows = IntStream.range(0, SHADOWS).mapToObj(m -> rows(difficulty, shadowIn[m], r)).toList();
        Signal sig = Signal.template("loss", "loss", "gray-box", null, List.of("score"))
                .withRows(rows(difficulty, targetIn, r), shadows);
        List<String> ids = IntStream.range(0, N).mapToObj(Integer::toString).toList();
        CalibratedScoring.Pool pool = new CalibratedScoring.Pool(targetIn, shadowIn, Z, null);
        List<AttackOutcome> res = CalibratedScoring.score(List.of(sig), pool, ids, "ssim", 1);
        assertThat(res).extracting(AttackOutcome::inference)
                .containsExactly("raw", "LiRA online", "LiRA offline", "RMIA");
        double raw = res.get(0).metrics().auc();
        assertThat(raw).isLessThan(0.7);
        for (AttackOutcome o : res.subList(1, 4)) {
            assertThat(o.metrics().auc()).as(o.inference()).isGreaterThan(raw + 0.15);
            assertThat(o.metrics().members() + o.metrics().nonMembers()).isEqualTo(N);
        }
        Map<String, List<MembershipMetrics>> byShadows = CalibratedScoring.byShadows(List.of(sig), pool, "ssim", 1,
                List.of(2, 4, 8, 16));
        List<MembershipMetrics> online = byShadows.get("loss · LiRA online");
        assertThat(online).hasSize(4);
        assertThat(online.get(3).auc()).isGreaterThan(online.get(0).auc());
        assertThat(online.get(3).auc()).isEqualTo(res.get(1).metrics().auc());
        assertThatThrownBy(() -> CalibratedScoring.byShadows(List.of(sig), pool, "ssim", 1, List.of(32)))
                .hasMessageContaining("asks for 32 shadows");
    }

    @Test
    void quantileRegressionCalibratesOnThePopulationAloneWhenImagesHaveFeatures() {
        SplittableRandom r = new SplittableRandom(12);
        double[] difficulty = IntStream.range(0, N + Z).mapToDouble(i -> 2 * r.nextGaussian()).toArray();
        boolean[] targetIn = new boolean[N];
        boolean[][] shadowIn = new boolean[2][N];
        for (int i = 0; i < N; i++) {
            targetIn[i] = r.nextBoolean();
            shadowIn[0][i] = r.nextBoolean();
            shadowIn[1][i] = !shadowIn[0][i];
        }
        List<double[][]> shadows = List.of(rows(difficulty, shadowIn[0], r), rows(difficulty, shadowIn[1], r));
        Signal sig = Signal.template("loss", "loss", "gray-box", null, List.of("score"))
                .withRows(rows(difficulty, targetIn, r), shadows);
        // what the regressor sees of an image: its difficulty, blurred
        double[][] features = IntStream.range(0, N + Z)
                .mapToObj(i -> new double[] {difficulty[i] + 0.2 * r.nextGaussian(), r.nextGaussian()})
                .toArray(double[][]::new);
        List<String> ids = IntStream.range(0, N).mapToObj(Integer::toString).toList();
        CalibratedScoring.Pool pool = new CalibratedScoring.Pool(targetIn, shadowIn, Z, features);
        List<AttackOutcome> res = CalibratedScoring.score(List.of(sig), pool, ids, "ssim", 1);
        assertThat(res).extracting(AttackOutcome::inference)
                .containsExactly("raw", "LiRA online", "LiRA offline", "RMIA", "quantile regression");
        assertThat(res.get(4).metrics().auc()).isGreaterThan(res.get(0).metrics().auc() + 0.15);
        assertThat(CalibratedScoring.byShadows(List.of(sig), pool, "ssim", 1, List.of(2)))
                .doesNotContainKey("loss · quantile regression");
        assertThatThrownBy(() -> new CalibratedScoring.Pool(targetIn, shadowIn, Z, new double[3][1]))
                .hasMessageContaining("3 feature rows for 600 candidates and 300 population samples");
    }
}
