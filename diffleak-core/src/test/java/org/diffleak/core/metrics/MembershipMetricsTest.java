package org.diffleak.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipMetricsTest {

    @Test
    void handComputedCase() {
        boolean[] l = {true, true, false, false};
        double[] s = {0.9, 0.4, 0.5, 0.1};
        // member > non-member in 3 of 4 pairs
        assertThat(MembershipMetrics.auc(l, s)).isEqualTo(0.75);
        Roc roc = Roc.of(l, s);
        assertThat(roc.fpr()).containsExactly(0, 0, 0.5, 0.5, 1);
        assertThat(roc.tpr()).containsExactly(0, 0.5, 0.5, 1, 1);
        assertThat(roc.tprAtFpr(0.01)).isEqualTo(0.5);
        // strictly below: at x = 0.5 the point (0.5, 1) does not count, as in the LiRA code's fpr < x
        assertThat(roc.tprAtFpr(0.5)).isEqualTo(0.5);
        assertThat(roc.tprAtFpr(0.51)).isEqualTo(1);
        assertThat(roc.balancedAccuracy()).isEqualTo(0.75);
    }

    /** With exactly 1/x non-members, FPR < x allows no false positive: 100 need 101 to read TPR at 1%. */
    @Test
    void resolvingNeedsMoreThanOneOverXNonMembers() {
        assertThat(MembershipMetrics.nonMembersToResolve(0.01)).isEqualTo(101);
        assertThat(MembershipMetrics.nonMembersToResolve(0.001)).isEqualTo(1001);
        boolean[] l = new boolean[200];
        double[] s = new double[200];
        for (int i = 0; i < 200; i++) {
            l[i] = i < 100;
            s[i] = i < 100 ? 200 - i : 50 - i;
        }
        s[100] = 1000; // one non-member above every member: 1 false positive of 100 = exactly 1%
        assertThat(Roc.of(l, s).tprAtFpr(0.01)).isZero();
        assertThat(Roc.of(l, s).tprAtFpr(0.0101)).isEqualTo(1);
    }

    @Test
    void tiesAreOneStepAndCountHalf() {
        boolean[] l = {true, false, true, false};
        double[] s = {0.8, 0.8, 0.3, 0.1};
        assertThat(MembershipMetrics.auc(l, s)).isEqualTo(0.625);
        Roc roc = Roc.of(l, s);
        assertThat(roc.fpr()).containsExactly(0, 0.5, 0.5, 1);
        assertThat(roc.tpr()).containsExactly(0, 0.5, 1, 1);
        // the tied point has FPR 0.5: TPR at FPR < 1% is 0, not the 0.5 a broken tie order would give
        assertThat(roc.tprAtFpr(0.01)).isZero();
        assertThat(MembershipMetrics.auc(new boolean[] {true, false, true}, new double[] {1, 1, 1})).isEqualTo(0.5);
    }

    @Test
    void aucEqualsTheAreaUnderTheExactRoc() {
        SplittableRandom r = new SplittableRandom(4);
        boolean[] l = new boolean[300];
        double[] s = new double[300];
        for (int i = 0; i < 300; i++) {
            l[i] = i % 3 == 0;
            s[i] = Math.round((r.nextGaussian() + (l[i] ? 0.7 : 0)) * 4) / 4.0;
        }
        Roc roc = Roc.of(l, s);
        double area = 0;
        for (int i = 1; i < roc.fpr().length; i++) {
            area += (roc.fpr()[i] - roc.fpr()[i - 1]) * (roc.tpr()[i] + roc.tpr()[i - 1]) / 2;
        }
        assertThat(MembershipMetrics.auc(l, s)).isCloseTo(area, within(1e-12));
    }

    @Test
    void perfectNullAndBootstrap() {
        int n = 1000;
        boolean[] l = new boolean[2 * n];
        double[] perfect = new double[2 * n];
        double[] noise = new double[2 * n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 2 * n; i++) {
            l[i] = i < n;
            perfect[i] = l[i] ? 1 + r.nextDouble() : r.nextDouble();
            noise[i] = r.nextDouble();
        }
        MembershipMetrics p = MembershipMetrics.compute(l, perfect, 200, 7);
        assertThat(p.auc()).isEqualTo(1);
        assertThat(p.tprAt1PctFpr()).isEqualTo(1);
        assertThat(p.tprAt01PctFpr()).isEqualTo(1);
        MembershipMetrics z = MembershipMetrics.compute(l, noise, 200, 7);
        double se = MembershipMetrics.nullAucStandardError(n, n);
        assertThat(se).isCloseTo(Math.sqrt(2001.0 / (12.0 * n * n)), within(1e-15));
        assertThat(z.auc()).isCloseTo(0.5, within(4 * se));
        assertThat(z.aucCi().low()).isLessThanOrEqualTo(z.auc());
        assertThat(z.aucCi().high()).isGreaterThanOrEqualTo(z.auc());
        assertThat(z.aucCi().high() - z.aucCi().low()).isBetween(0.02, 0.1);
        assertThat(MembershipMetrics.compute(l, noise, 200, 7)).isEqualTo(z);
    }

    @Test
    void rejectsSingleClassAndNaN() {
        assertThatThrownBy(() -> MembershipMetrics.auc(new boolean[] {true, true}, new double[] {1, 2}))
                .hasMessageContaining("both members and non-members");
        assertThatThrownBy(() -> Roc.of(new boolean[] {true, false}, new double[] {1, Double.NaN}))
                .hasMessageContaining("NaN");
    }

    @Test
    void csvRoundTripAndErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.csv");
        new ScoresCsv(List.of("a", "b", "c"), new boolean[] {true, false, true}, new double[] {0.5, -1, 2}).write(f);
        ScoresCsv back = ScoresCsv.read(f);
        assertThat(back.ids()).containsExactly("a", "b", "c");
        assertThat(back.scores()).containsExactly(0.5, -1, 2);
        Files.writeString(f, "id,score\n1,0.5\n");
        assertThatThrownBy(() -> ScoresCsv.read(f)).isInstanceOf(DataException.class).hasMessageContaining("label");
        Files.writeString(f, "id,label,score\n1,1,abc\n");
        assertThatThrownBy(() -> ScoresCsv.read(f)).hasMessageContaining(":2: score is not a number");
        Files.writeString(f, "id,label,score\n1,1,0.3\n2,1,0.4\n");
        assertThatThrownBy(() -> ScoresCsv.read(f)).hasMessageContaining("needs both members");
        Files.writeString(f, "id,label,score\n1,2,0.3\n");
        assertThatThrownBy(() -> ScoresCsv.read(f)).hasMessageContaining("label must be 0 or 1");
    }
}
