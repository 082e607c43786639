package org.diffleak.core.audit;

import java.util.Arrays;
import java.util.List;
import org.diffleak.core.metrics.MembershipMetrics;

/**
 * SimA's timestep chosen without the target's labels. The authors' driver reports the best t of its grid picked with
 * the audited model's membership labels, which overstates what an attacker achieves; here each column of a SimA signal
 * is one timestep (the configured t first) and the shadow models, whose membership is known by construction, pick
 * the one with the highest mean AUC. With no shadow the configured t stays.
 */
public final class ShadowTimestepChoice {

    private ShadowTimestepChoice() {}

    /**
     * @param shadowLabels per shadow, the membership of its first labels.length rows (later rows, such as RMIA's
     *     population samples, take no part)
     * @return a one-column signal named after the chosen t; a signal of another family, or of one column, unchanged
     */
    public static Signal reduce(Signal sig, List<boolean[]> shadowLabels) {
        if (!sig.family().equals("sima") || sig.featureNames().size() == 1) {
            return sig;
        }
        if (shadowLabels.size() != sig.shadows().size()) {
            throw new IllegalArgumentException(shadowLabels.size() + " shadow label sets for " + sig.shadows().size()
                    + " shadows");
        }
        int best = 0;
        String how = "no shadow to choose";
        if (!sig.shadows().isEmpty()) {
            double bestAuc = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < sig.featureNames().size(); c++) {
                double auc = meanShadowAuc(sig, shadowLabels, c);
                if (auc > bestAuc) {
                    bestAuc = auc;
                    best = c;
                }
            }
            how = String.format("chosen on %d shadow%s, mean AUC %.3f", sig.shadows().size(),
                    sig.shadows().size() == 1 ? "" : "s", bestAuc);
        }
        int column = best;
        String name = sig.name() + "(" + sig.featureNames().get(column) + ", " + how + ")";
        return new Signal(sig.family(), name, sig.access(), sig.labels(), List.of("score"), column(sig.target(), column),
                sig.shadows().stream().map(r -> column(r, column)).toList());
    }

    static double meanShadowAuc(Signal sig, List<boolean[]> shadowLabels, int column) {
        double sum = 0;
        for (int k = 0; k < sig.shadows().size(); k++) {
            boolean[] labels = shadowLabels.get(k);
            double[][] rows = sig.shadows().get(k);
            double[] scores = new double[labels.length];
            for (int i = 0; i < labels.length; i++) {
                scores[i] = rows[i][column];
            }
            sum += MembershipMetrics.auc(labels, scores);
        }
        return sum / sig.shadows().size();
    }

    private static double[][] column(double[][] rows, int column) {
        return rows == null ? null : Arrays.stream(rows).map(r -> new double[] {r[column]}).toArray(double[][]::new);
    }
}
