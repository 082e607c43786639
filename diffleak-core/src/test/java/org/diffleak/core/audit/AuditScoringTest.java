package org.diffleak.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.config.AuditConfig;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.report.AttackOutcome;
import org.junit.jupiter.api.Test;

class AuditScoringTest {

    private static final int N = 200;

    /** Rows [2n][d]: members' features shifted by +shift in every column. */
    private static double[][] rows(int n, int d, double shift, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[2 * n][d];
        for (int i = 0; i < 2 * n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian() + (i < n ? shift : 0);
            }
        }
        return x;
    }

    private static AuditSignals signals(Signal... s) {
        AuditConfig c = AuditConfig.preset("default");
        int[] ids = java.util.stream.IntStream.range(0, 2 * N).toArray();
        ImageDataset d = ImageDataset.of("x", 1, 11, 11, new float[2 * N * 121], new int[2 * N]);
        return new AuditSignals(c, List.of(s), N, N, N, d, ids, List.of(), List.of(), null, null, null);
    }

    @Test
    void grayBoxScoresStayRawAndTheDecisionThresholdComesFromShadows() {
        Signal s = Signal.template("pia", "PIA(t=200)", "gray-box", null, List.of("score"))
                .withRows(rows(N, 1, 3, 1), List.of(rows(N, 1, 3, 2), rows(N, 1, 3, 3)));
        List<AttackOutcome> out = AuditScoring.outcomes(signals(s));
        assertThat(out).hasSize(1);
        AttackOutcome o = out.get(0);
        assertThat(o.inference()).isEqualTo("raw");
        assertThat(o.scores().scores()[0]).isEqualTo(s.target()[0][0]);
        // Two unit normals 3 apart: the best threshold sits near 1.5, balanced accuracy Φ(1.5) ≈ 0.933.
        assertThat(o.shadowThresholdBalancedAccuracy()).isBetween(0.89, 0.97);
        assertThat(o.metrics().auc()).isGreaterThan(0.95);
    }

    @Test
    void blackBoxSignalsGetThreeInferenceModelsFittedOnShadowsOnly() {
        List<String> names = List.of("neg_l2", "ssim", "encoder_cosine");
        // Shadows say members score HIGH; the target's members score LOW. A model fitted on shadows must
        // then rank the target's members below its non-members: AUC far under 0.5. Were the target's own
        // labels used, the AUC would come out high.
        double[][] target = rows(N, 3, -3, 4);
        Signal s = Signal.template("reconstruction", "img2img", "black-box", "true", names)
                .withRows(target, List.of(rows(N, 3, 3, 5), rows(N, 3, 3, 6)));
        List<AttackOutcome> out = AuditScoring.outcomes(signals(s));
        assertThat(out).extracting(AttackOutcome::inference).containsExactly("threshold", "gaussian-lr", "mlp");
        for (AttackOutcome o : out) {
            assertThat(o.scenario()).isEqualTo("true labels");
            assertThat(o.access()).isEqualTo("black-box");
            assertThat(o.metrics().auc()).as(o.inference()).isLessThan(0.1);
            assertThat(o.shadowThresholdBalancedAccuracy()).as(o.inference()).isLessThanOrEqualTo(0.5);
        }
    }

    @Test
    void seriesKeysDropTheParametersSoAblationValuesLineUp() {
        Signal a = Signal.template("reconstruction", "PIA(t=200)", "gray-box", null,
                List.of("score")).withRows(rows(N, 1, 1, 7), List.<double[][]>of(rows(N, 1, 1, 8)));
        AttackOutcome o = AuditScoring.outcomes(signals(a)).get(0);
        assertThat(AuditScoring.seriesKey(o)).isEqualTo("PIA · ε_θ(x_t, t) queries · raw");
    }

    @Test
    void balancedAccuracyIsTheMeanOfTprAndTnr() {
        boolean[] labels = {true, true, true, true, false, false};
        boolean[] decisions = {true, true, true, false, true, false};
        assertThat(AuditScoring.balancedAccuracy(labels, decisions)).isEqualTo(0.5 * (0.75 + 0.5));
    }

    @Test
    void anUnknownThresholdMetricIsAClearError() {
        Signal s = Signal.template("reconstruction", "img2img", "black-box", null, List.of("neg_l2", "cosine"))
                .withRows(rows(N, 2, 1, 9), List.<double[][]>of(rows(N, 2, 1, 10)));
        assertThatThrownBy(() -> AuditScoring.outcomes(signals(s))).hasMessageContaining("has no feature ssim");
    }

    @Test
    void withoutShadowsEachSignalGivesRawScoresAndNoDecision() {
        double[][] bb = rows(N, 2, 1, 4);
        Signal gray = Signal.template("pia", "PIA", "gray-box", null, List.of("score")).withRows(rows(N, 1, 1, 5), null);
        Signal black = Signal.template("reconstruction", "img2img", "black-box", null, List.of("neg_l2", "ssim"))
                .withRows(bb, null);
        List<String> ids = java.util.stream.IntStream.range(0, 2 * N).mapToObj(i -> "x" + i).toList();
        List<AttackOutcome> out = AuditScoring.outcomes(List.of(gray, black), N, N, List.of(), ids, "ssim", 1);
        assertThat(out).extracting(AttackOutcome::inference).containsExactly("raw", "raw ssim");
        assertThat(out).allMatch(o -> o.shadowThresholdBalancedAccuracy() == null);
        for (int i = 0; i < 2 * N; i++) {
            assertThat(out.get(1).scores().scores()[i]).isEqualTo(bb[i][1]);
        }
        assertThat(out.get(1).scores().ids()).isEqualTo(ids);
        assertThat(out.get(0).metrics().auc()).isBetween(0.7, 0.85);
    }

    @Test
    void moreNonMembersThanMembersOnTheTargetWhileShadowsStayBalanced() {
        int members = 50;
        int nonMembers = 1001;
        SplittableRandom r = new SplittableRandom(7);
        double[][] target = new double[members + nonMembers][1];
        for (int i = 0; i < target.length; i++) {
            target[i][0] = r.nextGaussian() + (i < members ? 2 : 0);
        }
        Signal s = Signal.template("pia", "PIA", "gray-box", null, List.of("score"))
                .withRows(target, List.of(rows(members, 1, 2, 8), rows(members, 1, 2, 9)));
        List<String> ids = java.util.stream.IntStream.range(0, target.length).mapToObj(i -> "x" + i).toList();
        AttackOutcome o = AuditScoring.outcomes(List.of(s), members, nonMembers, List.of(members, members), ids, "ssim", 1).get(0);
        assertThat(o.metrics().members()).isEqualTo(members);
        assertThat(o.metrics().nonMembers()).isEqualTo(nonMembers);
        assertThat(o.metrics().resolves(org.diffleak.core.metrics.MembershipMetrics.FPR_01PCT)).isTrue();
        assertThat(o.shadowThresholdBalancedAccuracy()).isBetween(0.75, 0.95);
    }
}
