package org.diffleak.core.table;

import org.diffleak.core.property.Cholesky;

/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares), in
 * float64: minimises L(w) = −Σ_i [y_i log σ(w·x_i) + (1−y_i) log(1−σ(w·x_i))] + (λ/2)‖w_{1..}‖² with an
 * unpenalised intercept w₀; each step solves (Xᵀ S X + λ I') Δ = Xᵀ(y − σ) − λ I' w, S = diag(σ_i(1−σ_i)).
 * Deterministic: no random draws.
 */
public final class LogisticRegression {

    private final double[] weights;

    private LogisticRegression(double[] weights) {
        this.weights = weights;
    }

    /**
     * @param x rows of features (without the intercept, which is added)
     * @param y the binary label of each row
     * @param lambda ridge penalty λ ≥ 0 (λ &gt; 0 keeps separable or collinear data finite)
     */
    public static LogisticRegression fit(double[][] x, boolean[] y, double lambda) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("logistic regression needs rows with one label each, got " + n
                    + " rows and " + y.length + " labels");
        }
        int d = x[0].length + 1;
        double[] w = new double[d];
        for (int iter = 0; iter < 50; iter++) {
            double[][] h = new double[d][d];
            double[] g = new double[d];
            double[] row = new double[d];
            for (int i = 0; i < n; i++) {
                row[0] = 1;
                System.arraycopy(x[i], 0, row, 1, d - 1);
                double p = sigmoid(dot(w, row));
                double s = p * (1 - p);
                double r = (y[i] ? 1 : 0) - p;
                for (int a = 0; a < d; a++) {
                    g[a] += r * row[a];
                    double sa = s * row[a];
                    for (int b = 0; b <= a; b++) {
                        h[a][b] += sa * row[b];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    h[b][a] = h[a][b];
                }
                if (a > 0) {
                    h[a][a] += lambda;
                    g[a] -= lambda * w[a];
                }
            }
            h[0][0] += 1e-9;
            double[] step = Cholesky.solve(h, g);
            double max = 0;
            for (int a = 0; a < d; a++) {
                w[a] += step[a];
                max = Math.max(max, Math.abs(step[a]));
            }
            if (max < 1e-10) {
                break;
            }
        }
        return new LogisticRegression(w);
    }

    /** Intercept first, then one weight per feature. */
    public double[] weights() {
        return weights.clone();
    }

    /** P(y = 1 | x) = σ(w₀ + Σ_j w_j x_j). */
    public double probability(double[] x) {
        double z = weights[0];
        for (int j = 0; j < x.length; j++) {
            z += weights[j + 1] * x[j];
        }
        return sigmoid(z);
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
