package org.diffleak.core.table;

/** A column of finite numbers. */
public record NumericColumn(String name, double[] values) implements Column {

    public NumericColumn {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("column " + name + " holds a non-finite value " + v);
            }
        }
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public NumericColumn select(int[] rows) {
        double[] v = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            v[i] = values[rows[i]];
        }
        return new NumericColumn(name, v);
    }

    /** Shortest decimal that reads back to the same double; integers without a fraction. */
    @Override
    public String text(int row) {
        double v = values[row];
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
