package org.diffleak.core.property;

/**
 * The statistics of one model's samples that shadow regression maps to a property share: the histogram
 * of the property classifier's probabilities P(property | x) over `bins` equal bins of [0, 1] (as
 * fractions of the samples), then the mean of each encoder feature.
 */
public final class ShadowFeatures {

    private ShadowFeatures() {}

    /** Statistics over the samples at idx (repeats allowed, for the bootstrap). */
    public static double[] of(double[] probabilities, double[][] encoder, int bins, int[] idx) {
        if (encoder != null && encoder.length != probabilities.length) {
            throw new IllegalArgumentException("one encoder row per sample needed");
        }
        int d = encoder == null ? 0 : encoder[0].length;
        double[] out = new double[bins + d];
        for (int i : idx) {
            double q = probabilities[i];
            out[Math.min(bins - 1, Math.max(0, (int) Math.floor(q * bins)))] += 1.0 / idx.length;
            for (int j = 0; j < d; j++) {
                out[bins + j] += encoder[i][j] / idx.length;
            }
        }
        return out;
    }

    /** Statistics over all samples. */
    public static double[] of(double[] probabilities, double[][] encoder, int bins) {
        int[] idx = new int[probabilities.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return of(probabilities, encoder, bins, idx);
    }
}
