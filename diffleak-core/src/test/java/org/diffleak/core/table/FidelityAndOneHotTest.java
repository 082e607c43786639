package org.diffleak.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class FidelityAndOneHotTest {

    @Test
    void ksIsTheLargestGapBetweenEmpiricalCdfs() {
        // F_a steps at 1, 2, 3 by ⅓; F_b at 2, 3, 4, 5 by ¼: gaps ⅓, 5/12, then |1 − ½| after 3 (scipy's ks_2samp: 0.5)
        assertThat(Fidelity.ks(new double[] {1, 2, 3}, new double[] {2, 3, 4, 5})).isEqualTo(0.5);
        assertThat(Fidelity.ks(new double[] {1, 2}, new double[] {2, 1})).isEqualTo(0);
        // ties are one step: a = {0, 0, 1}, b = {0, 1, 1}: after 0 → |⅔ − ⅓|
        assertThat(Fidelity.ks(new double[] {0, 0, 1}, new double[] {0, 1, 1})).isCloseTo(1.0 / 3, within(1e-15));
        assertThat(Fidelity.ks(new double[] {0}, new double[] {1})).isEqualTo(1);
    }

    @Test
    void totalVariationMatchesLevelsByLabel() {
        assertThat(Fidelity.totalVariation(new double[] {0.5, 0.5}, new double[] {0.2, 0.8})).isCloseTo(0.3, within(1e-15));
        CategoricalColumn a = new CategoricalColumn("c", List.of("F", "M"), new int[] {0, 0, 1, 1});
        // b holds M, M, M, X: shares (F, M, X) = (½, ½, 0) vs (0, ¾, ¼) → ½(½ + ¼ + ¼) = ½
        CategoricalColumn b = new CategoricalColumn("c", List.of("M", "X"), new int[] {0, 0, 0, 1});
        assertThat(Fidelity.totalVariation(a, b)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void compareGoesColumnByColumn() {
        Table real = new Table("r", List.of(new NumericColumn("x", new double[] {1, 2, 3}),
                new CategoricalColumn("c", List.of("a", "b"), new int[] {0, 1, 1})));
        Table synth = new Table("s", List.of(new NumericColumn("x", new double[] {1, 2, 3}),
                new CategoricalColumn("c", List.of("a", "b"), new int[] {0, 0, 1})));
        assertThat(Fidelity.compare(real, synth)).containsExactly(new Fidelity.ColumnFidelity("x", "ks", 0),
                new Fidelity.ColumnFidelity("c", "tv", 1.0 / 3));
    }

    @Test
    void oneHotBlocksSitSideBySide() {
        OneHot h = new OneHot(new int[] {2, 3});
        assertThat(h.width()).isEqualTo(5);
        assertThat(h.offset(1)).isEqualTo(2);
        float[] x = h.encode(new int[][] {{1, 0}, {2, 0}}, 2);
        assertThat(x).containsExactly(0, 1, 0, 0, 1, 1, 0, 1, 0, 0);
        int[][] back = h.argmax(x, 2);
        assertThat(back[0]).containsExactly(1, 0);
        assertThat(back[1]).containsExactly(2, 0);
        assertThat(h.argmax(new float[] {0.2f, 0.2f, 0.1f, 0.5f, 0.4f}, 1)[1]).containsExactly(1);
    }
}
