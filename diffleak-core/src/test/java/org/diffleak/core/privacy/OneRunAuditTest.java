package org.diffleak.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OneRunAuditTest {

    @Test
    void guessCountsHalveFromHalfTheCanaries() {
        assertThat(OneRunAudit.perSide(1000)).containsExactly(500, 250, 125, 62, 31);
        assertThat(OneRunAudit.perSide(8)).containsExactly(4, 2, 1);
        assertThat(OneRunAudit.perSide(3)).containsExactly(1);
        assertThat(OneRunAudit.perSide(1)).isEmpty();
    }

    @Test
    void theTopAreGuessedInsertedAndTheBottomNot() {
        // ranks by score: 7, 6, 5, 4, 3, 2, 1, 0 (canary index = score)
        double[] scores = {0, 1, 2, 3, 4, 5, 6, 7};
        boolean[] inserted = {false, true, false, false, true, false, true, true};
        assertThat(OneRunAudit.correct(scores, inserted, 1)).isEqualTo(2); // 7 in ✓, 0 out ✓
        assertThat(OneRunAudit.correct(scores, inserted, 2)).isEqualTo(3); // + 6 in ✓, 1 out ✗
        assertThat(OneRunAudit.correct(scores, inserted, 4)).isEqualTo(6); // + 5 ✗ 4 ✓ | 2 ✓ 3 ✓
        assertThatThrownBy(() -> OneRunAudit.correct(scores, inserted, 5)).hasMessageContaining("cannot guess 5");
    }

    @Test
    void theBoundIsTheBestBonferroniCorrectedEmpiricalEpsilon() {
        int m = 64;
        boolean[] inserted = new boolean[m];
        double[] perfect = new double[m];
        double[] noisy = new double[m];
        for (int i = 0; i < m; i++) {
            inserted[i] = (i * 7 + 3) % 5 < 2 || i % 3 == 0;
            perfect[i] = inserted[i] ? 1 + i : -1 - i;
            // right at the top and bottom eighths only
            noisy[i] = inserted[i] == (i % 4 == 0) ? perfect[i] : -perfect[i] / 100;
        }
        OneRunAudit.Result r = OneRunAudit.audit(List.of("noisy", "perfect"), List.of(noisy, perfect), inserted, 0.05);
        int tests = 2 * OneRunAudit.perSide(m).length;
        assertThat(r.tests()).isEqualTo(tests);
        double best = 0;
        for (double[] s : List.of(noisy, perfect)) {
            for (int k : OneRunAudit.perSide(m)) {
                best = Math.max(best, EmpiricalEpsilon.lowerBound(2 * k, OneRunAudit.correct(s, inserted, k),
                        0.05 / tests));
            }
        }
        assertThat(r.epsilon()).isEqualTo(best).isPositive();
        assertThat(r.attack()).isEqualTo("perfect");
        assertThat(r.correct()).isEqualTo(r.guesses());
        assertThat(r.epsilon()).isEqualTo(EmpiricalEpsilon.lowerBound(r.guesses(), r.correct(), 0.05 / tests));
        // scores that carry no information give no bound
        double[] flat = new double[m];
        assertThat(OneRunAudit.audit(List.of("flat"), List.of(flat), new boolean[m], 0.05).epsilon()).isZero();
    }
}
