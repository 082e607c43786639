package org.diffleak.core.table;

import java.util.List;

/**
 * A column of labels: levels lists the distinct labels (sorted, so a table's coding does not depend on row
 * order), codes[i] is the index of row i's label in levels.
 */
public record CategoricalColumn(String name, List<String> levels, int[] codes) implements Column {

    public CategoricalColumn {
        levels = List.copyOf(levels);
        for (int c : codes) {
            if (c < 0 || c >= levels.size()) {
                throw new IllegalArgumentException("column " + name + ": code " + c + " outside its "
                        + levels.size() + " levels");
            }
        }
    }

    @Override
    public int size() {
        return codes.length;
    }

    /** The number of levels K. */
    public int cardinality() {
        return levels.size();
    }

    @Override
    public CategoricalColumn select(int[] rows) {
        int[] c = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = codes[rows[i]];
        }
        return new CategoricalColumn(name, levels, c);
    }

    @Override
    public String text(int row) {
        return levels.get(codes[row]);
    }

    /** The share of rows at each level. */
    public double[] frequencies() {
        double[] f = new double[levels.size()];
        for (int c : codes) {
            f[c]++;
        }
        for (int k = 0; k < f.length; k++) {
            f[k] /= Math.max(1, codes.length);
        }
        return f;
    }
}
