package org.diffleak.core.shift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropensityMatchingTest {

    @Test
    void nearestPartnerWithinTheCaliper() {
        // members 0, 1, 5; non-members 0.1, 0.95, 9. Pooled sd of the six scores: 3.5693..., caliper 0.71386:
        // member 5 (first, highest) has no partner in reach (0.95 is 4.05 away, 9 is 4); 1 takes 0.95, 0 takes 0.1.
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
        // both members are closest to non-member 0 (score 0); member 0.01, higher, takes it first, and member
        // −0.02 gets the next closest, 0.3, within the caliper 0.2 × sd = 1.78
        double[] scores = {0.01, -0.02, 0, 0.3, 20};
        PropensityMatching.Pairs p = PropensityMatching.match(scores, 2);
        assertThat(p.members()).containsExactly(0, 1);
        assertThat(p.nonMembers()).containsExactly(0, 1);
    }

    @Test
    void equallyNearPartnersGoToTheLowerIndex() {
        // member 1 between non-members 1.5 (index 0) and 0.5 (index 1); −50 widens the caliper to 0.2 × 25.8
        PropensityMatching.Pairs p = PropensityMatching.match(new double[] {1, 1.5, 0.5, -50}, 1);
        assertThat(p.members()).containsExactly(0);
        assertThat(p.nonMembers()).containsExactly(0);
    }
}
