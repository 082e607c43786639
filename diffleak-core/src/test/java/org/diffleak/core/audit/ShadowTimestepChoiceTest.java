package org.diffleak.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowTimestepChoiceTest {

    /** Rows of 3 columns (t=10, t=0, t=50); members first. Column `good` separates members, the others do not. */
    private static double[][] rows(int members, int nonMembers, int good) {
        double[][] r = new double[members + nonMembers][3];
        for (int i = 0; i < r.length; i++) {
            boolean member = i < members;
            for (int c = 0; c < 3; c++) {
                // the non-separating columns interleave members and non-members (AUC 0.5 on alternating ranks)
                r[i][c] = c == good ? (member ? 10 + i : i) : (i % 2 == 0 ? i : -i);
            }
        }
        return r;
    }

    private static Signal sima(double[][] target, List<double[][]> shadows) {
        return new Signal("sima", "SimA", "gray-box", null, List.of("t=10", "t=0", "t=50"), target, shadows);
    }

    @Test
    void theShadowsPickTheTimestepNotTheTargetsLabels() {
        // the target separates on column 0, every shadow on column 2: the shadows decide
        Signal s = sima(rows(4, 4, 0), List.of(rows(4, 4, 2), rows(4, 4, 2)));
        List<boolean[]> labels = List.of(AuditScoring.labels(4, 4), AuditScoring.labels(4, 4));
        Signal chosen = ShadowTimestepChoice.reduce(s, labels);
        assertThat(chosen.name()).isEqualTo("SimA(t=50, chosen on 2 shadows, mean AUC 1.000)");
        assertThat(chosen.featureNames()).containsExactly("score");
        assertThat(chosen.target()[5]).containsExactly(s.target()[5][2]);
        assertThat(chosen.shadows().get(1)[3]).containsExactly(s.shadows().get(1)[3][2]);
    }

    @Test
    void withoutShadowsTheConfiguredTimestepStays() {
        Signal chosen = ShadowTimestepChoice.reduce(sima(rows(4, 4, 2), List.of()), List.of());
        assertThat(chosen.name()).isEqualTo("SimA(t=10, no shadow to choose)");
        assertThat(chosen.target()[6]).containsExactly(rows(4, 4, 2)[6][0]);
    }

    @Test
    void rowsPastTheLabelsTakeNoPart() {
        // RMIA's population rows follow the candidates; they would favour column 1 if counted
        double[][] shadow = new double[12][];
        System.arraycopy(rows(4, 4, 2), 0, shadow, 0, 8);
        for (int i = 8; i < 12; i++) {
            shadow[i] = new double[] {0, 1e9, -1e9};
        }
        Signal chosen = ShadowTimestepChoice.reduce(sima(rows(4, 4, 0), List.<double[][]>of(shadow)),
                List.of(AuditScoring.labels(4, 4)));
        assertThat(chosen.name()).startsWith("SimA(t=50,");
        assertThat(chosen.shadows().get(0)).hasNumberOfRows(12);
    }

    @Test
    void otherFamiliesAndSingleColumnsPassThrough() {
        Signal loss = new Signal("loss", "loss", "gray-box", null, List.of("score"), new double[][] {{1}}, List.of());
        assertThat(ShadowTimestepChoice.reduce(loss, List.of())).isSameAs(loss);
        assertThatThrownBy(() -> ShadowTimestepChoice.reduce(sima(rows(4, 4, 0), List.<double[][]>of(rows(4, 4, 2))), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 shadows");
    }
}
