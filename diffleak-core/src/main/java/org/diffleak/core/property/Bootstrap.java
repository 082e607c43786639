package org.diffleak.core.property;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Percentile-bootstrap helpers shared by the estimators. */
final class Bootstrap {

    private Bootstrap() {}

    /** n indices drawn uniformly with replacement from 0..n−1. */
    static int[] resample(int n, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(n);
        }
        return idx;
    }

    /** The q-quantile (linear interpolation between order statistics) of values, sorted in place. */
    static double quantile(double[] values, double q) {
        Arrays.sort(values);
        double pos = q * (values.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, values.length - 1);
        return values[lo] + (pos - lo) * (values[hi] - values[lo]);
    }
}
