package org.diffleak.core.shift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropensityMatchingTest {

    @Test
    void closestPairsFirstWithinTheCaliper() {
        // members 0, 1, 5; non-members 0.1, 0.95, 9. Pooled sd of the six scores: 3.5693..., caliper 0.71386:
        // pairs (1, 0.95) gap 0.05 and (0, 0.1) gap 0.1 match; member 5 and non-member 9 have no partner in reach.
        double[] scores = {0, 1, 5, 0.1, 0.95, 9};
        PropensityMatching.Pairs p = PropensityMatching.match(scores, 3);
        double mean = 16.05 / 6;
        double ss = 0;
        for (double s : scores) {
            ss += (s - mean) * (s - mean);
        }
        assertThat(p.caliper()).isEqualTo(0.2 * Math.sqrt(ss / 5));
        assertThat(p.members()).containsExactly(0, 1);
        assertThat(p.nonMembers()).containsExactly(0, 1);
    }

    @Test
    void aTakenPartnerIsNotReused() {
        // both members are closest to non-member 0 (score 0); the closer one (0.01) takes it, and member −0.02
        // gets the next closest, 0.3, within the caliper 0.2 × sd = 1.78
        double[] scores = {0.01, -0.02, 0, 0.3, 20};
        PropensityMatching.Pairs p = PropensityMatching.match(scores, 2);
        assertThat(p.members()).containsExactly(0, 1);
        assertThat(p.nonMembers()).containsExactly(0, 1);
    }

    @Test
    void equallyNearPartnersGoLeftFirst() {
        // member 1 between non-members 0.5 (index 1) and 1.5 (index 0), both 0.5 away; −50 widens the caliper
        PropensityMatching.Pairs p = PropensityMatching.match(new double[] {1, 1.5, 0.5, -50}, 1);
        assertThat(p.members()).containsExactly(0);
        assertThat(p.nonMembers()).containsExactly(1);
    }
}
