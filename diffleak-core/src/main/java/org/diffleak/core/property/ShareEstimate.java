package org.diffleak.core.property;

/**
 * An estimate of the property share with a percentile-bootstrap 95% interval.
 *
 * @param raw the uncorrected statistic (for classifier counting, the share r of samples labelled positive)
 * @param share the estimate of p, in [0, 1]
 * @param lower 2.5th bootstrap percentile
 * @param upper 97.5th bootstrap percentile
 */
public record ShareEstimate(double raw, double share, double lower, double upper) {

    /** |share − truth|. */
    public double error(double truth) {
        return Math.abs(share - truth);
    }
}
