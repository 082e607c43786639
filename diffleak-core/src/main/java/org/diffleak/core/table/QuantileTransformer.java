package org.diffleak.core.table;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import org.diffleak.core.privacy.SpecialFunctions;

/**
 * Maps one numeric column to a standard normal and back through its empirical quantiles, as scikit-learn's
 * {@code QuantileTransformer(output_distribution='normal')} does (sklearn/preprocessing/_data.py,
 * {@code _transform_col}), which TabDDPM (Kotelnikov et al., ICML 2023, lib/data.py) fits on the training
 * rows with {@code n_quantiles = max(min(n / 30, 1000), 10)}.
 *
 * <p>Fit: references r_j = j/(m−1), j = 0..m−1; quantiles q_j = the r_j-th percentile of the column
 * (linear interpolation between order statistics, numpy's default), made non-decreasing.
 * Forward: u = ½(interp(x; q → r) − interp(−x; −q reversed → −r reversed)), which puts a value tied
 * across several quantiles in the middle of their references; u = 0 where x − 1e-7 &lt; q_0 and u = 1
 * where x + 1e-7 &gt; q_{m−1}; z = Φ⁻¹(u) clipped to ±Φ⁻¹(1 − (1e-7 − 2⁻⁵²)) ≈ ±5.1993.
 * Inverse: u = Φ(z); x = interp(u; r → q), with x = q_0 where u − 1e-7 &lt; 0 and x = q_{m−1} where
 * u + 1e-7 &gt; 1.
 *
 * @param quantiles q_0 ≤ … ≤ q_{m−1}
 */
public record QuantileTransformer(double[] quantiles) {

    static final double BOUNDS_THRESHOLD = 1e-7;
    /** Φ⁻¹(1e-7 − 2⁻⁵²), scikit-learn's clip of the normal output. */
    public static final double CLIP = -SpecialFunctions.normalQuantile(BOUNDS_THRESHOLD - Math.ulp(1.0));

    @JsonCreator
    public QuantileTransformer(@JsonProperty("quantiles") double[] quantiles) {
        if (quantiles.length < 1) {
            throw new IllegalArgumentException("a quantile transformer needs at least one quantile");
        }
        for (int j = 1; j < quantiles.length; j++) {
            if (!(quantiles[j] >= quantiles[j - 1])) {
                throw new IllegalArgumentException("quantiles must be non-decreasing");
            }
        }
        this.quantiles = quantiles.clone();
    }

    /** TabDDPM's choice of m for n training rows: max(min(n / 30, 1000), 10), and at most n (scikit-learn). */
    public static int tabDdpmQuantiles(int n) {
        return Math.max(1, Math.min(Math.max(Math.min(n / 30, 1000), 10), n));
    }

    /** Fits m quantiles (at most n) on the values. */
    public static QuantileTransformer fit(double[] values, int m) {
        if (values.length == 0) {
            throw new IllegalArgumentException("cannot fit a quantile transformer on no values");
        }
        int k = Math.max(1, Math.min(m, values.length));
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] q = new double[k];
        for (int j = 0; j < k; j++) {
            double h = k == 1 ? 0 : (sorted.length - 1) * ((double) j / (k - 1));
            int lo = (int) Math.floor(h);
            int hi = Math.min(lo + 1, sorted.length - 1);
            q[j] = sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
            if (j > 0 && q[j] < q[j - 1]) {
                q[j] = q[j - 1];
            }
        }
        return new QuantileTransformer(q);
    }

    private double reference(int j) {
        return quantiles.length == 1 ? 0 : (double) j / (quantiles.length - 1);
    }

    /** The standard-normal score of x. */
    public double toNormal(double x) {
        int m = quantiles.length;
        double u;
        if (x - BOUNDS_THRESHOLD < quantiles[0]) {
            u = 0;
        } else if (x + BOUNDS_THRESHOLD > quantiles[m - 1]) {
            u = 1;
        } else {
            u = 0.5 * (interpUp(x) + interpDown(x));
        }
        if (u <= 0) {
            return -CLIP;
        }
        if (u >= 1) {
            return CLIP;
        }
        return Math.max(-CLIP, Math.min(CLIP, SpecialFunctions.normalQuantile(u)));
    }

    /** The value whose score is z. */
    public double fromNormal(double z) {
        int m = quantiles.length;
        double u = SpecialFunctions.normalCdf(z);
        if (u - BOUNDS_THRESHOLD < 0) {
            return quantiles[0];
        }
        if (u + BOUNDS_THRESHOLD > 1) {
            return quantiles[m - 1];
        }
        if (m == 1) {
            return quantiles[0];
        }
        // interp(u; r → q) on the uniform grid r_j = j/(m−1)
        double h = u * (m - 1);
        int j = Math.min((int) Math.floor(h), m - 2);
        return quantiles[j] + (h - j) * (quantiles[j + 1] - quantiles[j]);
    }

    /** numpy.interp(x, q, r) for q_0 ≤ x &lt; q_{m−1}: from the last j with q_j ≤ x. */
    private double interpUp(double x) {
        int j = lastAtMost(x);
        double span = quantiles[j + 1] - quantiles[j];
        return reference(j) + (x - quantiles[j]) / span * (reference(j + 1) - reference(j));
    }

    /**
     * −numpy.interp(−x, −q reversed, −r reversed): the same interpolation seen from the top, which among tied
     * quantiles starts from the first one.
     */
    private double interpDown(double x) {
        int j = firstAtLeast(x);
        double span = quantiles[j] - quantiles[j - 1];
        return reference(j) - (quantiles[j] - x) / span * (reference(j) - reference(j - 1));
    }

    /** The last j &lt; m−1 with q_j ≤ x (then q_{j+1} &gt; x, since x &lt; q_{m−1}). */
    private int lastAtMost(double x) {
        int lo = 0;
        int hi = quantiles.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (quantiles[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first j &gt; 0 with q_j ≥ x (then q_{j−1} &lt; x, since x &gt; q_0). */
    private int firstAtLeast(double x) {
        int lo = 0;
        int hi = quantiles.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (quantiles[mid] >= x) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    @Override
    public double[] quantiles() {
        return quantiles.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantileTransformer t && Arrays.equals(quantiles, t.quantiles);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(quantiles);
    }

    @Override
    public String toString() {
        return "QuantileTransformer" + Arrays.toString(quantiles);
    }
}
