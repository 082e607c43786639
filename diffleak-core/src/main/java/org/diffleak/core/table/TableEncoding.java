package org.diffleak.core.table;

import java.util.ArrayList;
import java.util.List;

/**
 * How a table becomes the input of a tabular diffusion model and back, fitted on the training rows as
 * TabDDPM does: each numeric column through its own {@link QuantileTransformer} to a standard normal
 * score, each categorical column as level codes (one-hot blocks, {@link OneHot}). Column order of the
 * table is kept for decoding; the model sees all numeric scores first, then the categorical blocks.
 */
public record TableEncoding(List<EncodedColumn> columns) {

    /**
     * One column: a numeric one has its quantiles, a categorical one its levels (the other is null).
     */
    public record EncodedColumn(String name, ColumnType type, QuantileTransformer quantiles, List<String> levels) {}

    /** The model input of some rows: numeric scores rows × numeric(), row-major, and codes[c][row]. */
    public record Encoded(int rows, float[] numeric, int[][] codes) {}

    public TableEncoding {
        columns = List.copyOf(columns);
    }

    /** Fits quantile transformers (TabDDPM's quantile count) on the table's numeric columns. */
    public static TableEncoding fit(Table table) {
        int m = QuantileTransformer.tabDdpmQuantiles(table.rows());
        List<EncodedColumn> cols = new ArrayList<>();
        for (Column c : table.columns()) {
            if (c instanceof NumericColumn n) {
                cols.add(new EncodedColumn(n.name(), ColumnType.NUMERIC, QuantileTransformer.fit(n.values(), m), null));
            } else if (c instanceof CategoricalColumn k) {
                cols.add(new EncodedColumn(k.name(), ColumnType.CATEGORICAL, null, k.levels()));
            }
        }
        return new TableEncoding(cols);
    }

    /** Numeric columns, the width of the Gaussian part. */
    public int numeric() {
        return (int) columns.stream().filter(c -> c.type() == ColumnType.NUMERIC).count();
    }

    /** The one-hot layout of the categorical columns, in table order. */
    public OneHot oneHot() {
        return new OneHot(columns.stream().filter(c -> c.type() == ColumnType.CATEGORICAL)
                .mapToInt(c -> c.levels().size()).toArray());
    }

    /** Encodes a table with the same columns (a level the fit never saw is an error naming it). */
    public Encoded encode(Table table) {
        int n = table.rows();
        int dn = numeric();
        float[] num = new float[n * dn];
        int[][] codes = new int[oneHot().columns()][];
        int jn = 0;
        int jc = 0;
        for (EncodedColumn e : columns) {
            Column c = table.column(e.name());
            if (e.type() == ColumnType.NUMERIC) {
                if (!(c instanceof NumericColumn nc)) {
                    throw new IllegalArgumentException(table.name() + ": column " + e.name() + " should be numeric");
                }
                for (int i = 0; i < n; i++) {
                    num[i * dn + jn] = (float) e.quantiles().toNormal(nc.values()[i]);
                }
                jn++;
            } else {
                if (!(c instanceof CategoricalColumn cc)) {
                    throw new IllegalArgumentException(table.name() + ": column " + e.name() + " should be categorical");
                }
                int[] map = new int[cc.cardinality()];
                for (int k = 0; k < map.length; k++) {
                    map[k] = e.levels().indexOf(cc.levels().get(k));
                    if (map[k] < 0) {
                        throw new IllegalArgumentException(table.name() + ": column " + e.name() + " has level '"
                                + cc.levels().get(k) + "', which the model never saw");
                    }
                }
                int[] out = new int[n];
                for (int i = 0; i < n; i++) {
                    out[i] = map[cc.codes()[i]];
                }
                codes[jc++] = out;
            }
        }
        return new Encoded(n, num, codes);
    }

    /** The table that encodes to these scores and codes, columns in the fitted order. */
    public Table decode(String name, Encoded e) {
        int dn = numeric();
        List<Column> out = new ArrayList<>();
        int jn = 0;
        int jc = 0;
        for (EncodedColumn c : columns) {
            if (c.type() == ColumnType.NUMERIC) {
                double[] v = new double[e.rows()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = c.quantiles().fromNormal(e.numeric()[i * dn + jn]);
                }
                out.add(new NumericColumn(c.name(), v));
                jn++;
            } else {
                out.add(new CategoricalColumn(c.name(), c.levels(), e.codes()[jc++]));
            }
        }
        return new Table(name, out);
    }
}
