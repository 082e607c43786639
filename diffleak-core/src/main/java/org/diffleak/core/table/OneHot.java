package org.diffleak.core.table;

import java.util.List;

/**
 * One-hot coding of several categorical columns side by side: column c with K_c levels occupies the K_c
 * entries from offset(c) of a row of width Σ K_c.
 */
public record OneHot(int[] cardinalities) {

    public OneHot {
        cardinalities = cardinalities.clone();
        for (int k : cardinalities) {
            if (k < 1) {
                throw new IllegalArgumentException("a categorical column needs at least one level, got " + k);
            }
        }
    }

    public static OneHot of(List<CategoricalColumn> columns) {
        return new OneHot(columns.stream().mapToInt(CategoricalColumn::cardinality).toArray());
    }

    @Override
    public int[] cardinalities() {
        return cardinalities.clone();
    }

    public int columns() {
        return cardinalities.length;
    }

    public int cardinality(int column) {
        return cardinalities[column];
    }

    /** Σ K_c. */
    public int width() {
        int w = 0;
        for (int k : cardinalities) {
            w += k;
        }
        return w;
    }

    public int offset(int column) {
        int o = 0;
        for (int c = 0; c < column; c++) {
            o += cardinalities[c];
        }
        return o;
    }

    /** codes[c][i] (column c, row i) as rows × width, row-major. */
    public float[] encode(int[][] codes, int rows) {
        if (codes.length != cardinalities.length) {
            throw new IllegalArgumentException("expected codes of " + cardinalities.length + " columns, got " + codes.length);
        }
        int w = width();
        float[] out = new float[rows * w];
        for (int c = 0, o = 0; c < codes.length; o += cardinalities[c], c++) {
            for (int i = 0; i < rows; i++) {
                out[i * w + o + codes[c][i]] = 1f;
            }
        }
        return out;
    }

    /** The per-column argmax of rows × width scores (row-major), as codes[c][i]; ties go to the lowest level. */
    public int[][] argmax(float[] scores, int rows) {
        int w = width();
        if (scores.length != rows * w) {
            throw new IllegalArgumentException("expected " + rows + " × " + w + " scores, got " + scores.length);
        }
        int[][] codes = new int[cardinalities.length][rows];
        for (int c = 0, o = 0; c < cardinalities.length; o += cardinalities[c], c++) {
            for (int i = 0; i < rows; i++) {
                int best = 0;
                for (int k = 1; k < cardinalities[c]; k++) {
                    if (scores[i * w + o + k] > scores[i * w + o + best]) {
                        best = k;
                    }
                }
                codes[c][i] = best;
            }
        }
        return codes;
    }
}
