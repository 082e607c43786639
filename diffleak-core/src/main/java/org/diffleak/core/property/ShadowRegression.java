package org.diffleak.core.property;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Shadow regression: shadow models trained at known shares p_k give sample statistics s_k
 * ({@link ShadowFeatures}); a kernel ridge regressor maps statistics to shares,
 * p̂(s) = p̄ + Σ_k α_k K(s, s_k) with (K + λI) α = p − p̄ and the Gaussian kernel
 * K(u, v) = exp(−γ‖u − v‖²). Features are centred over the shadows and each block (histogram,
 * encoder means) is divided by the square root of its total variance over the shadows, so both blocks
 * weigh alike and nearly empty bins are not blown up into noise; γ = 1/median of the pairwise squared
 * distances between shadows. The 95% interval resamples the target's samples (percentile bootstrap).
 */
public final class ShadowRegression {

    private final int bins;
    private final double[] center;
    private final double[] scale;
    private final double[][] train;
    private final double[] alpha;
    private final double meanShare;
    private final double gamma;

    private ShadowRegression(int bins, double[] center, double[] scale, double[][] train, double[] alpha,
            double meanShare, double gamma) {
        this.bins = bins;
        this.center = center;
        this.scale = scale;
        this.train = train;
        this.alpha = alpha;
        this.meanShare = meanShare;
        this.gamma = gamma;
    }

    /**
     * @param features {@link ShadowFeatures} of each shadow model's samples
     * @param shares the property share each shadow was trained at
     * @param bins histogram bins at the start of each feature row
     * @param lambda ridge penalty λ &gt; 0
     */
    public static ShadowRegression fit(double[][] features, double[] shares, int bins, double lambda) {
        int k = features.length;
        if (k < 2 || shares.length != k) {
            throw new IllegalArgumentException("shadow regression needs ≥ 2 shadows with one share each, got "
                    + k + " feature rows and " + shares.length + " shares");
        }
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("ridge penalty λ must be > 0, got " + lambda);
        }
        int d = features[0].length;
        double[] center = new double[d];
        double[] variance = new double[d];
        for (int j = 0; j < d; j++) {
            for (double[] row : features) {
                center[j] += row[j] / k;
            }
            for (double[] row : features) {
                variance[j] += (row[j] - center[j]) * (row[j] - center[j]) / k;
            }
        }
        double[] scale = new double[d];
        double[] blockVariance = {0, 0};
        for (int j = 0; j < d; j++) {
            blockVariance[j < bins ? 0 : 1] += variance[j];
        }
        for (int j = 0; j < d; j++) {
            double v = blockVariance[j < bins ? 0 : 1];
            scale[j] = v > 1e-24 ? Math.sqrt(v) : 1;
        }
        double[][] z = new double[k][];
        for (int i = 0; i < k; i++) {
            z[i] = standardise(features[i], center, scale);
        }
        double[] dist = new double[k * (k - 1) / 2];
        int c = 0;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                dist[c++] = squaredDistance(z[i], z[j]);
            }
        }
        double median = Bootstrap.quantile(dist, 0.5);
        double gamma = median > 0 ? 1 / median : 1;
        double meanShare = Arrays.stream(shares).average().orElseThrow();
        double[][] a = new double[k][k];
        double[] rhs = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = Math.exp(-gamma * squaredDistance(z[i], z[j])) + (i == j ? lambda : 0);
            }
            rhs[i] = shares[i] - meanShare;
        }
        return new ShadowRegression(bins, center, scale, z, Cholesky.solve(a, rhs), meanShare, gamma);
    }

    /** p̂ of one feature row, clamped to [0, 1]. */
    public double predict(double[] features) {
        double[] z = standardise(features, center, scale);
        double p = meanShare;
        for (int k = 0; k < train.length; k++) {
            p += alpha[k] * Math.exp(-gamma * squaredDistance(z, train[k]));
        }
        return Math.min(1, Math.max(0, p));
    }

    /**
     * The estimate from a target's samples, raw = the share of samples with P(property) &gt; 1/2.
     *
     * @param probabilities P(property | x) of each sample
     * @param encoder encoder features of each sample, or null if the shadows used none
     */
    public ShareEstimate estimate(double[] probabilities, double[][] encoder, int replicates, SplittableRandom rng) {
        int above = 0;
        for (double q : probabilities) {
            above += q > 0.5 ? 1 : 0;
        }
        double point = predict(ShadowFeatures.of(probabilities, encoder, bins));
        double[] boot = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            boot[b] = predict(ShadowFeatures.of(probabilities, encoder, bins,
                    Bootstrap.resample(probabilities.length, rng)));
        }
        return new ShareEstimate((double) above / probabilities.length, point, Bootstrap.quantile(boot, 0.025),
                Bootstrap.quantile(boot, 0.975));
    }

    private static double[] standardise(double[] x, double[] center, double[] scale) {
        if (x.length != center.length) {
            throw new IllegalArgumentException("feature row has " + x.length + " values, the shadows had "
                    + center.length);
        }
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = (x[j] - center[j]) / scale[j];
        }
        return z;
    }

    private static double squaredDistance(double[] u, double[] v) {
        double s = 0;
        for (int j = 0; j < u.length; j++) {
            s += (u[j] - v[j]) * (u[j] - v[j]);
        }
        return s;
    }
}
