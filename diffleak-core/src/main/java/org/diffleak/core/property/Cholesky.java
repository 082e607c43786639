package org.diffleak.core.property;

import org.hipparchus.exception.MathIllegalArgumentException;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;

/** Solves A x = b for symmetric positive-definite A by the Cholesky factorisation A = L Lᵀ (Hipparchus). */
public final class Cholesky {

    private Cholesky() {}

    /** x with A x = b; A must be symmetric positive definite (an error says so otherwise). */
    public static double[] solve(double[][] a, double[] b) {
        CholeskyDecomposition c;
        try {
            // every pivot must be > 0, as in the textbook factorisation (Hipparchus' default demands > 1e-10)
            c = new CholeskyDecomposition(MatrixUtils.createRealMatrix(a),
                    CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD, 0);
        } catch (MathIllegalArgumentException e) {
            throw new IllegalArgumentException("matrix is not positive definite", e);
        }
        return c.getSolver().solve(MatrixUtils.createRealVector(b)).toArray();
    }
}
