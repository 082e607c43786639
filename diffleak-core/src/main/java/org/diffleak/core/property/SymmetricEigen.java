package org.diffleak.core.property;

import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.MatrixUtils;

/**
 * Eigendecomposition A = V diag(λ) Vᵀ of a real symmetric matrix, in float64, by Hipparchus (Householder
 * tridiagonalisation and implicit QL); the matrix's symmetric part (A + Aᵀ)/2 is decomposed, so products of
 * symmetric matrices that rounding left a few ulps from symmetric are taken as they are meant.
 *
 * @param values eigenvalues λ_k
 * @param vectors V, column k the eigenvector of λ_k (vectors[i][k])
 */
public record SymmetricEigen(double[] values, double[][] vectors) {

    public static SymmetricEigen of(double[][] symmetric) {
        int n = symmetric.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (symmetric[i].length != n) {
                throw new IllegalArgumentException("matrix is not square");
            }
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (symmetric[i][j] + symmetric[j][i]);
            }
        }
        EigenDecompositionSymmetric e = new EigenDecompositionSymmetric(MatrixUtils.createRealMatrix(a));
        return new SymmetricEigen(e.getEigenvalues(), e.getV().getData());
    }

    /** V diag(f(λ)) Vᵀ with f(λ) = √max(λ, 0): the PSD square root. */
    public double[][] sqrtPsd() {
        int n = values.length;
        double[][] out = new double[n][n];
        for (int k = 0; k < n; k++) {
            double f = Math.sqrt(Math.max(values[k], 0));
            if (f == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double vik = vectors[i][k] * f;
                for (int j = 0; j < n; j++) {
                    out[i][j] += vik * vectors[j][k];
                }
            }
        }
        return out;
    }
}
