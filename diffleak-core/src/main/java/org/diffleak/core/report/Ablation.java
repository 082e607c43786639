package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;

/**
 * How attacks fare as one parameter varies (e.g. ε of a DP-SGD defense, the timestep t).
 *
 * @param parameter the varied parameter, e.g. "epsilon"
 * @param values its values as shown on the x axis, in order
 * @param series one line per attack the parameter affects
 * @param unaffected attacks whose scores are the same at every value (not drawn)
 */
public record Ablation(String parameter, List<String> values, List<Series> series, List<String> unaffected) {

    /** An ablation that affects every attack it lists. */
    public Ablation(String parameter, List<String> values, List<Series> series) {
        this(parameter, values, series, List.of());
    }

    /** One attack's figures at each value; NaN where it was not run (or, for TPR, not resolvable). */
    public record Series(String attack, double[] auc, double[] tprAt1PctFpr) {

        public Series {
            Objects.requireNonNull(attack, "attack");
            if (auc.length != tprAt1PctFpr.length) {
                throw new IllegalArgumentException(attack + ": " + auc.length + " AUCs but " + tprAt1PctFpr.length
                        + " TPRs");
            }
        }
    }

    public Ablation {
        Objects.requireNonNull(parameter, "parameter");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException(parameter + ": no values");
        }
        series = List.copyOf(series);
        unaffected = List.copyOf(unaffected);
        for (Series s : series) {
            if (s.auc().length != values.size()) {
                throw new IllegalArgumentException(parameter + ": series " + s.attack() + " has " + s.auc().length
                        + " points for " + values.size() + " values");
            }
        }
    }
}
