package org.diffleak.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-worked values of scikit-learn's QuantileTransformer(output_distribution='normal'). */
class QuantileTransformerTest {

    @Test
    void percentilesInterpolateLinearlyBetweenOrderStatistics() {
        // m = 3: references 0, ½, 1; the median of 10, 20, 30, 40 sits at position 1.5 → 25
        assertThat(QuantileTransformer.fit(new double[] {40, 10, 30, 20}, 3).quantiles()).containsExactly(10, 25, 40);
        // m is capped at n
        assertThat(QuantileTransformer.fit(new double[] {2, 1}, 10).quantiles()).containsExactly(1, 2);
    }

    @Test
    void forwardMapsThroughReferencesToNormalScores() {
        QuantileTransformer q = QuantileTransformer.fit(new double[] {1, 2, 3, 4, 5}, 5);
        // x = 2 is the ¼ quantile: Φ⁻¹(0.25)
        assertThat(q.toNormal(2)).isCloseTo(-0.6744897501960817, within(1e-12));
        // halfway between the ¼ and ½ quantiles: Φ⁻¹(0.375)
        assertThat(q.toNormal(2.5)).isCloseTo(-0.31863936396437514, within(1e-12));
        assertThat(q.toNormal(3)).isCloseTo(0, within(1e-12));
        // at or beyond the extreme quantiles: scikit-learn's clip, Φ⁻¹(1e-7 − 2⁻⁵²) (scipy: −5.199337582605575)
        assertThat(q.toNormal(1)).isCloseTo(-5.199337582605575, within(1e-9));
        assertThat(q.toNormal(-100)).isCloseTo(-5.199337582605575, within(1e-9));
        assertThat(q.toNormal(5)).isCloseTo(5.199337582605575, within(1e-9));
    }

    @Test
    void aValueTiedOverSeveralQuantilesGoesToTheMiddleOfTheirReferences() {
        // q = 0, 1, 1, 1, 2 at references 0, ¼, ½, ¾, 1: x = 1 → ½(¾ + ¼) = ½ → 0
        QuantileTransformer q = QuantileTransformer.fit(new double[] {0, 1, 1, 1, 2}, 5);
        assertThat(q.quantiles()).containsExactly(0, 1, 1, 1, 2);
        assertThat(q.toNormal(1)).isCloseTo(0, within(1e-12));
    }

    @Test
    void inverseInterpolatesQuantilesAndClampsTails() {
        QuantileTransformer q = QuantileTransformer.fit(new double[] {0, 1, 1, 1, 2}, 5);
        assertThat(q.fromNormal(0)).isCloseTo(1, within(1e-12));
        // u = Φ(z) = 0.125 → halfway between q_0 = 0 and q_1 = 1
        assertThat(q.fromNormal(-1.1503493803760079)).isCloseTo(0.5, within(1e-9));
        assertThat(q.fromNormal(-9)).isEqualTo(0);
        assertThat(q.fromNormal(9)).isEqualTo(2);
        QuantileTransformer r = QuantileTransformer.fit(new double[] {1, 2, 3, 4, 5}, 5);
        for (double x : new double[] {1.5, 2, 2.7, 4.2}) {
            assertThat(r.fromNormal(r.toNormal(x))).isCloseTo(x, within(1e-9));
        }
    }

    @Test
    void tabDdpmQuantileCount() {
        assertThat(QuantileTransformer.tabDdpmQuantiles(7032)).isEqualTo(234);
        assertThat(QuantileTransformer.tabDdpmQuantiles(100)).isEqualTo(10);
        assertThat(QuantileTransformer.tabDdpmQuantiles(5)).isEqualTo(5);
        assertThat(QuantileTransformer.tabDdpmQuantiles(100_000)).isEqualTo(1000);
    }
}
