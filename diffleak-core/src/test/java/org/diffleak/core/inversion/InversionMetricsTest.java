package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InversionMetricsTest {

    @Test
    void realOwnClosestCountsImagesNearerTheRestOfTheirBatchThanAnyOtherBatch() {
        // user 0: two images along x and one along y; user 1: two along y. Leave-one-out means against user 0's
        // rest vs user 1: (1,0) → 0.5 vs 0 (closest), the other (1,0) the same, (0,1) → 0 vs 1 (not): 2 of 3
        float[][] own = {{1, 0}, {1, 0}, {0, 1}};
        float[][] other = {{0, 1}, {0, 1}};
        assertThat(InversionMetrics.realOwnClosestShare(List.of(own, other), 0)).isEqualTo(2.0 / 3);
        assertThat(InversionMetrics.realOwnClosestShare(List.of(own, other), 1)).isEqualTo(1.0);
        assertThat(InversionMetrics.realOwnClosestShare(List.of(new float[][] {{1, 0}}, other), 0)).isNaN();
    }
}
