package org.diffleak.core.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How closely a synthetic table follows a real one, column by column: the two-sample Kolmogorov–Smirnov
 * statistic for numeric columns and the total variation distance for categorical ones, both in [0, 1]
 * (0 = the same distribution), the column-wise measures TabDDPM and SDMetrics report.
 */
public final class Fidelity {

    /** One column's distance; metric is "ks" or "tv". */
    public record ColumnFidelity(String column, String metric, double distance) {}

    /**
     * Column distances averaged by kind.
     *
     * @param meanKs mean KS over the numeric columns (NaN if none)
     * @param numeric numeric columns
     * @param meanTv mean TV over the categorical columns (NaN if none)
     * @param categorical categorical columns
     */
    public record Summary(double meanKs, int numeric, double meanTv, int categorical) {}

    /** The mean KS and mean TV of column distances. */
    public static Summary summarize(List<ColumnFidelity> columns) {
        double ks = 0;
        double tv = 0;
        int nks = 0;
        int ntv = 0;
        for (ColumnFidelity c : columns) {
            if (c.metric().equals("ks")) {
                ks += c.distance();
                nks++;
            } else {
                tv += c.distance();
                ntv++;
            }
        }
        return new Summary(nks == 0 ? Double.NaN : ks / nks, nks, ntv == 0 ? Double.NaN : tv / ntv, ntv);
    }

    private Fidelity() {}

    /** D = sup_x |F_a(x) − F_b(x)| over the empirical cdfs, evaluated after each run of tied values. */
    public static double ks(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("the KS statistic needs values on both sides");
        }
        double[] x = a.clone();
        double[] y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0;
        int j = 0;
        double d = 0;
        while (i < x.length && j < y.length) {
            double v = Math.min(x[i], y[j]);
            while (i < x.length && x[i] == v) {
                i++;
            }
            while (j < y.length && y[j] == v) {
                j++;
            }
            d = Math.max(d, Math.abs((double) i / x.length - (double) j / y.length));
        }
        return d;
    }

    /** TV(p, q) = ½ Σ_k |p_k − q_k| for two distributions over the same levels. */
    public static double totalVariation(double[] p, double[] q) {
        if (p.length != q.length) {
            throw new IllegalArgumentException("distributions over " + p.length + " and " + q.length + " levels");
        }
        double s = 0;
        for (int k = 0; k < p.length; k++) {
            s += Math.abs(p[k] - q[k]);
        }
        return 0.5 * s;
    }

    /** TV between two label columns, matched by label (a level one side lacks has share 0 there). */
    public static double totalVariation(CategoricalColumn a, CategoricalColumn b) {
        List<String> levels = new ArrayList<>(a.levels());
        for (String l : b.levels()) {
            if (!levels.contains(l)) {
                levels.add(l);
            }
        }
        return totalVariation(shares(a, levels), shares(b, levels));
    }

    private static double[] shares(CategoricalColumn c, List<String> levels) {
        double[] f = c.frequencies();
        double[] out = new double[levels.size()];
        for (int k = 0; k < f.length; k++) {
            out[levels.indexOf(c.levels().get(k))] = f[k];
        }
        return out;
    }

    /** Every column of real against the column of the same name in synthetic. */
    public static List<ColumnFidelity> compare(Table real, Table synthetic) {
        List<ColumnFidelity> out = new ArrayList<>();
        for (Column c : real.columns()) {
            Column s = synthetic.column(c.name());
            if (c instanceof NumericColumn n && s instanceof NumericColumn m) {
                out.add(new ColumnFidelity(c.name(), "ks", ks(n.values(), m.values())));
            } else if (c instanceof CategoricalColumn n && s instanceof CategoricalColumn m) {
                out.add(new ColumnFidelity(c.name(), "tv", totalVariation(n, m)));
            } else {
                throw new IllegalArgumentException("column " + c.name() + " is numeric in one table and categorical"
                        + " in the other");
            }
        }
        return out;
    }
}
