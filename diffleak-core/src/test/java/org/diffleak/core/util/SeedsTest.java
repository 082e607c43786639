package org.diffleak.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void childrenAreStableAndDistinct() {
        Seeds s = Seeds.of(42);
        assertThat(s.child("train").seed()).isEqualTo(Seeds.of(42).child("train").seed());
        assertThat(s.child("train").seed()).isNotEqualTo(s.child("data").seed());
        assertThat(s.child(1).seed()).isNotEqualTo(s.child(2).seed());
        assertThat(s.child("a").child(3).seed()).isNotEqualTo(s.child("a").child(4).seed());
        assertThat(Seeds.of(43).child("train").seed()).isNotEqualTo(s.child("train").seed());
    }

    @Test
    void gaussianHasUnitMoments() {
        float[] v = new float[200_001];
        Seeds.gaussian(new SplittableRandom(1), v);
        double mean = 0;
        double sq = 0;
        for (float x : v) {
            mean += x;
            sq += x * x;
        }
        mean /= v.length;
        double var = sq / v.length - mean * mean;
        assertThat(mean).isCloseTo(0, within(0.01));
        assertThat(var).isCloseTo(1, within(0.01));
    }

    @Test
    void permutationIsAPermutation() {
        int[] p = Seeds.permutation(new SplittableRandom(3), 1000);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 1000; i++) {
            assertThat(sorted[i]).isEqualTo(i);
        }
        assertThat(p).isNotEqualTo(sorted);
        assertThat(Seeds.permutation(new SplittableRandom(3), 1000)).containsExactly(p);
    }
}
