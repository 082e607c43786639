package org.diffleak.core.inversion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class InversionSummaryTest {

    private static UserOutcome outcome(int user, String prior, int attribute, int predicted, double realShare,
            boolean ownClosest, double realOwn) {
        var sim = new InversionMetrics.Similarity(0.2, 0.4, 0.9, 0.95, 0.8, ownClosest ? user : 99, ownClosest);
        int group = FederatedSetting.groupOf(attribute);
        return new UserOutcome(user, 30, Double.POSITIVE_INFINITY, prior, attribute, group, group, 30, predicted,
                realShare, realOwn, sim, 0.01, 2.0, new float[4]);
    }

    @Test
    void cellsAverageOverTheirUsers() {
        // user 0: a top (5 categories), right; user 1: footwear (3 categories), wrong
        List<InversionSummary> cells = InversionSummary.of(List.of(outcome(0, "none", 0, 0, 0.9, true, 1.0),
                outcome(1, "none", 7, 9, 0.5, false, 0.5), outcome(0, "diffusion", 0, 2, 0.9, false, 1.0)));
        assertThat(cells).hasSize(2);
        InversionSummary none = cells.get(0);
        assertThat(none.users()).isEqualTo(2);
        assertThat(none.attributeAccuracy()).isEqualTo(0.5);
        assertThat(none.groupBaseline()).isCloseTo((1 / 5.0 + 1 / 3.0) / 2, within(1e-12));
        assertThat(none.realImageAttributeAccuracy()).isCloseTo(0.7, within(1e-12));
        assertThat(none.ownClosestRate()).isEqualTo(0.5);
        assertThat(none.realImageOwnClosestRate()).isCloseTo(0.75, within(1e-12));
        assertThat(cells.get(1).prior()).isEqualTo("diffusion");
        assertThat(cells.get(1).attributeAccuracy()).isZero();
    }
}
