package org.diffleak.core.property;

import java.util.List;
import java.util.Map;

/**
 * Everything the table property study reports: per release (undefended target, private sampler, DP-SGD
 * model) the true share, the attacker's two estimates and the release's utility.
 *
 * @param property the property, e.g. female=1
 * @param label the column ML efficacy predicts
 * @param positive its level counted as positive by F1
 * @param settings the study's settings, as written to results.json
 * @param rows one per release
 * @param seconds wall time of the whole study
 */
public record TablePropertyResults(String property, String label, String positive, Map<String, Object> settings,
        List<Row> rows, double seconds) {

    public TablePropertyResults {
        rows = List.copyOf(rows);
    }

    /** Mean |estimate − true share| over the rows of a setting (NaN if none), for classifier counting or shadows. */
    public double meanAbsoluteError(String setting, boolean shadow) {
        return rows.stream().filter(r -> r.setting().equals(setting))
                .mapToDouble(r -> (shadow ? r.shadow() : r.classifierCount()).error(r.trueShare()))
                .average().orElse(Double.NaN);
    }

    /** Mean |released share − p*| over the private sampler's rows (NaN if none). */
    public double privateDistance(double pStar) {
        return rows.stream().filter(r -> r.setting().equals(PropertyResults.PRIVATE))
                .mapToDouble(r -> Math.abs(r.releasedShare() - pStar)).average().orElse(Double.NaN);
    }

    /**
     * One released table and what it gives away and is worth.
     *
     * @param setting PropertyResults.UNDEFENDED, PRIVATE or DP
     * @param label e.g. "p = 0.9" or "p = 0.9, ε = 8"
     * @param trueShare the property's share in the model's training rows
     * @param epsilon DP-SGD ε spent, or +∞ for a non-private model
     * @param releasedShare the property's share in the released rows
     * @param classifierCount the classifier-count estimate
     * @param shadow the shadow-regression estimate
     * @param meanKs mean KS statistic over numeric columns against held-out real rows
     * @param meanTv mean total variation over categorical columns against held-out real rows
     * @param accuracy ML efficacy: accuracy on held-out real rows of a classifier trained on the release
     * @param f1 the same classifier's F1 on the positive level
     * @param realAccuracy the same classifier trained on the model's real training rows
     * @param realF1 its F1
     * @param seconds wall time of the release (training excluded)
     */
    public record Row(String setting, String label, double trueShare, double epsilon, double releasedShare,
            ShareEstimate classifierCount, ShareEstimate shadow, double meanKs, double meanTv, double accuracy, double f1,
            double realAccuracy, double realF1, double seconds) {}
}
