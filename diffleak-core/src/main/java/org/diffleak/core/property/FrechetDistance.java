package org.diffleak.core.property;

/**
 * The Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017):
 * d² = ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^{1/2}), with unbiased (n − 1) covariances. The trace of
 * (Σ_a Σ_b)^{1/2} is taken as Tr (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2}, which has the same eigenvalues and is
 * symmetric, so both roots come from symmetric eigendecompositions. On the project's own CNN encoder
 * features this is not the Inception FID and its values are not comparable to published FIDs.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    /** d² between the rows of a [n_a][d] and b [n_b][d]. */
    public static double of(double[][] a, double[][] b) {
        int d = a[0].length;
        if (b[0].length != d) {
            throw new IllegalArgumentException("feature sets differ in dimension: " + d + " vs " + b[0].length);
        }
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("each feature set needs at least 2 rows");
        }
        double[] ma = mean(a);
        double[] mb = mean(b);
        double[][] ca = covariance(a, ma);
        double[][] cb = covariance(b, mb);
        double diff = 0;
        double trace = 0;
        for (int i = 0; i < d; i++) {
            diff += (ma[i] - mb[i]) * (ma[i] - mb[i]);
            trace += ca[i][i] + cb[i][i];
        }
        double[][] ra = SymmetricEigen.of(ca).sqrtPsd();
        double[][] m = multiply(multiply(ra, cb), ra);
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double s = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
        double traceSqrt = 0;
        for (double l : SymmetricEigen.of(m).values()) {
            traceSqrt += Math.sqrt(Math.max(l, 0));
        }
        return diff + trace - 2 * traceSqrt;
    }

    /** Float rows (encoder output) as double. */
    public static double[][] toDouble(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j];
            }
        }
        return out;
    }

    static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j];
            }
        }
        for (int j = 0; j < m.length; j++) {
            m[j] /= x.length;
        }
        return m;
    }

    static double[][] covariance(double[][] x, double[] mean) {
        int d = mean.length;
        double[][] c = new double[d][d];
        double[] z = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                z[j] = row[j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                double zi = z[i];
                for (int j = i; j < d; j++) {
                    c[i][j] += zi * z[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= x.length - 1;
                c[j][i] = c[i][j];
            }
        }
        return c;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i][p];
                if (aip == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    out[i][j] += aip * b[p][j];
                }
            }
        }
        return out;
    }
}
