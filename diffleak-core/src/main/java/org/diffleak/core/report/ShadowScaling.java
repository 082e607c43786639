package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;

/**
 * How each calibrated attack's TPR at one false-positive rate grows with the number of shadow models it is
 * calibrated on (its first k shadows), with the stratified bootstrap 95% interval at each k.
 *
 * @param shadows the numbers of shadows, ascending
 * @param fpr the false-positive rate the TPRs are read at
 * @param lines one per calibrated attack
 */
public record ShadowScaling(List<Integer> shadows, double fpr, List<Line> lines) {

    /** One attack's TPR, and its interval, at each number of shadows. */
    public record Line(String attack, double[] tpr, double[] low, double[] high) {

        public Line {
            Objects.requireNonNull(attack, "attack");
            if (tpr.length != low.length || tpr.length != high.length) {
                throw new IllegalArgumentException(attack + ": " + tpr.length + " TPRs, " + low.length + " lows, "
                        + high.length + " highs");
            }
        }
    }

    public ShadowScaling {
        shadows = List.copyOf(shadows);
        lines = List.copyOf(lines);
        if (shadows.isEmpty()) {
            throw new IllegalArgumentException("no numbers of shadows");
        }
        for (Line l : lines) {
            if (l.tpr().length != shadows.size()) {
                throw new IllegalArgumentException(l.attack() + " has " + l.tpr().length + " points for "
                        + shadows.size() + " numbers of shadows");
            }
        }
    }
}
