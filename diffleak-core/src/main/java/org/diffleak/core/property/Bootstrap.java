package org.diffleak.core.property;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Percentile-bootstrap helpers shared by the estimators and the report writers. */
public final class Bootstrap {

    private Bootstrap() {}

    /** n indices drawn uniformly with replacement from 0..n−1. */
    static int[] resample(int n, SplittableRandom rng) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rng.nextInt(n);
        }
        return idx;
    }

    /**
     * The 95% percentile-bootstrap interval {low, high} of the mean of values, from `resamples` resamples with
     * replacement drawn from rng.
     */
    public static double[] meanInterval(double[] values, int resamples, SplittableRandom rng) {
        if (values.length == 0 || resamples < 1) {
            throw new IllegalArgumentException("need values and resamples ≥ 1, got " + values.length + " values and "
                    + resamples + " resamples");
        }
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sum = 0;
            for (int i : resample(values.length, rng)) {
                sum += values[i];
            }
            means[b] = sum / values.length;
        }
        return new double[] {quantile(means, 0.025), quantile(means, 0.975)};
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
