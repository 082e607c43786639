package org.diffleak.core.table;

import java.util.List;
import org.diffleak.core.io.DataException;
import org.diffleak.core.table.TableEncoding.Encoded;
import org.diffleak.core.table.TableEncoding.EncodedColumn;

/**
 * Machine-learning efficacy (TabDDPM's utility measure, with a simpler classifier): train a classifier
 * predicting a label column on one table (synthetic rows), test it on real held-out rows, and compare with
 * the same classifier trained on real rows. The classifier is {@link LogisticRegression} (λ = 1) on every
 * other column: numeric columns as their quantile normal scores, categorical ones one-hot, both from an
 * encoding fitted on real rows. Reports accuracy and F1 of the positive level.
 */
public final class MlEfficacy {

    /** Ridge penalty of the classifier. */
    static final double LAMBDA = 1.0;

    /**
     * @param accuracy share of test rows labelled correctly
     * @param f1 F1 score of the positive level, 2·TP/(2·TP + FP + FN)
     */
    public record Scores(double accuracy, double f1) {}

    private final TableEncoding encoding;
    private final String label;
    private final String positive;

    /**
     * @param encoding fitted on real rows, holding the label column as a categorical one
     * @param label the label column
     * @param positive the level F1 counts as positive
     */
    public MlEfficacy(TableEncoding encoding, String label, String positive) {
        EncodedColumn c = encoding.columns().stream().filter(e -> e.name().equals(label)).findFirst()
                .orElseThrow(() -> new DataException("no column named '" + label + "' to predict; columns: "
                        + String.join(", ", encoding.columns().stream().map(EncodedColumn::name).toList())));
        if (c.type() != ColumnType.CATEGORICAL) {
            throw new DataException("label column " + label + " is numeric; ML efficacy predicts a categorical one");
        }
        if (!c.levels().contains(positive)) {
            throw new DataException("label column " + label + " has no level '" + positive + "'");
        }
        this.encoding = encoding;
        this.label = label;
        this.positive = positive;
    }

    /** The label's rarest level in the reference rows is the positive one (churn = Yes). */
    public static MlEfficacy rarestPositive(TableEncoding encoding, Table reference, String label) {
        Column c = reference.column(label);
        if (!(c instanceof CategoricalColumn k)) {
            throw new DataException("label column " + label + " is numeric; ML efficacy predicts a categorical one");
        }
        double[] f = k.frequencies();
        int rare = 0;
        for (int i = 1; i < f.length; i++) {
            if (f[i] < f[rare]) {
                rare = i;
            }
        }
        return new MlEfficacy(encoding, label, k.levels().get(rare));
    }

    public String label() {
        return label;
    }

    public String positive() {
        return positive;
    }

    /** Trains on train, scores on test. */
    public Scores evaluate(Table train, Table test) {
        boolean[] ytrain = labels(train);
        LogisticRegression model = LogisticRegression.fit(features(train), ytrain, LAMBDA);
        double[][] x = features(test);
        boolean[] y = labels(test);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            boolean pred = model.probability(x[i]) > 0.5;
            correct += pred == y[i] ? 1 : 0;
            tp += pred && y[i] ? 1 : 0;
            fp += pred && !y[i] ? 1 : 0;
            fn += !pred && y[i] ? 1 : 0;
        }
        double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        return new Scores((double) correct / x.length, f1);
    }

    private boolean[] labels(Table t) {
        CategoricalColumn c = (CategoricalColumn) t.column(label);
        boolean[] y = new boolean[t.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = c.text(i).equals(positive);
        }
        return y;
    }

    /** Numeric scores and one-hot blocks of every column but the label. */
    double[][] features(Table t) {
        Encoded e = encoding.encode(t);
        int dn = encoding.numeric();
        List<EncodedColumn> cats = encoding.columns().stream().filter(c -> c.type() == ColumnType.CATEGORICAL).toList();
        int width = dn;
        for (EncodedColumn c : cats) {
            width += c.name().equals(label) ? 0 : c.levels().size();
        }
        double[][] x = new double[t.rows()][width];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < dn; j++) {
                x[i][j] = e.numeric()[i * dn + j];
            }
            int o = dn;
            for (int c = 0; c < cats.size(); c++) {
                if (cats.get(c).name().equals(label)) {
                    continue;
                }
                x[i][o + e.codes()[c][i]] = 1;
                o += cats.get(c).levels().size();
            }
        }
        return x;
    }
}
