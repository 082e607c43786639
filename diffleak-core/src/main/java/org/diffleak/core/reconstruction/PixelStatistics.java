package org.diffleak.core.reconstruction;

/** Per-pixel mean m and (population) variance v of a set of images, the adversary's auxiliary data. */
public record PixelStatistics(float[] mean, float[] variance) {

    /** @param images n images of `dim` values each, row after row */
    public static PixelStatistics of(float[] images, int n, int dim) {
        if (n < 2 || images.length != n * dim) {
            throw new IllegalArgumentException("need at least 2 images of " + dim + " values, got " + images.length
                    + " values for " + n);
        }
        double[] sum = new double[dim];
        double[] sq = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                double x = images[i * dim + j];
                sum[j] += x;
                sq[j] += x * x;
            }
        }
        float[] mean = new float[dim];
        float[] var = new float[dim];
        for (int j = 0; j < dim; j++) {
            double m = sum[j] / n;
            mean[j] = (float) m;
            var[j] = (float) Math.max(0, sq[j] / n - m * m);
        }
        return new PixelStatistics(mean, var);
    }

    /** The average per-pixel variance (1/d) Σ v_j: the MSE of guessing the mean. */
    public double meanVariance() {
        double s = 0;
        for (float x : variance) {
            s += x;
        }
        return s / variance.length;
    }
}
