package org.diffleak.core.table;

import org.diffleak.core.table.TableEncoding.Encoded;

/**
 * What the attacker reads from released rows for the property estimators of
 * {@code org.diffleak.core.property}: the property's value in each row (the attacker sees the column, so the
 * "classifier" is the exact predicate, TPR 1 and FPR 0 on any calibration rows) and each row's encoding
 * (quantile scores and one-hot blocks) as the feature vector whose means shadow regression also regresses on.
 *
 * @param has the property's value per row
 * @param probabilities has as 0 or 1, the probabilities ShadowFeatures bins
 * @param features rows × (numeric scores, one-hot blocks)
 */
public record TablePropertyEvidence(boolean[] has, double[] probabilities, double[][] features) {

    /** Reads a released table through the property and an encoding fitted on the attacker's own rows. */
    public static TablePropertyEvidence of(Table rows, TableProperty property, TableEncoding encoding) {
        boolean[] has = property.evaluate(rows);
        double[] p = new double[has.length];
        Encoded e = encoding.encode(rows);
        int dn = encoding.numeric();
        OneHot oh = encoding.oneHot();
        double[][] f = new double[has.length][dn + oh.width()];
        for (int i = 0; i < has.length; i++) {
            p[i] = has[i] ? 1 : 0;
            for (int j = 0; j < dn; j++) {
                f[i][j] = e.numeric()[i * dn + j];
            }
            for (int c = 0; c < oh.columns(); c++) {
                f[i][dn + oh.offset(c) + e.codes()[c][i]] = 1;
            }
        }
        return new TablePropertyEvidence(has, p, f);
    }
}
