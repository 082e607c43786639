package org.diffleak.core.property;

import java.util.List;
import java.util.Map;

/**
 * Everything the property report shows.
 *
 * @param property the property's name
 * @param settings the study's settings, as written to results.json
 * @param attackerTpr TPR of the attacker's property classifier on its held-out labelled images
 * @param attackerFpr FPR of the same
 * @param judgeAccuracy accuracy of the held-out judge (a separate clean classifier) on real held-out images
 * @param rows one per (setting, model)
 * @param channels image channels of the sample grids
 * @param side image side of the sample grids
 * @param seconds wall time of the whole study
 */
public record PropertyResults(String property, Map<String, Object> settings, double attackerTpr,
        double attackerFpr, double judgeAccuracy, List<Row> rows, int channels, int side, double seconds) {

    /** The groups of rows, in the order the report shows them. */
    public static final String UNDEFENDED = "undefended";
    public static final String PRIVATE = "private sampler";
    public static final String DP = "DP-SGD";

    /** Mean |estimate − true share| over the rows of a setting (NaN if none), for classifier counting or shadows. */
    public double meanAbsoluteError(String setting, boolean shadow) {
        return rows.stream().filter(r -> r.setting().equals(setting))
                .mapToDouble(r -> (shadow ? r.shadow() : r.classifierCount()).error(r.trueShare()))
                .average().orElse(Double.NaN);
    }

    /**
     * One model's release and what the attacker learns from it.
     *
     * @param setting UNDEFENDED, PRIVATE or DP
     * @param label e.g. "p = 0.9" or "p = 0.9, ε = 4"
     * @param trueShare the property share of the model's training set
     * @param epsilon DP-SGD ε spent, or +∞ for a non-private model
     * @param judgeShare the share of released samples with the property, by the held-out judge
     * @param classifierCount the classifier-count estimate
     * @param shadow the shadow-regression estimate
     * @param frechet Fréchet distance between encoder features of the samples and held-out real images
     * @param frechetMatched the same against held-out real images at the release's intended share (the
     *     training share p; p* for the private sampler), so a shift of the class mix alone does not count
     * @param confidence mean max(q, 1 − q) of the attacker's property classifier over the samples
     * @param targetHitRate private sampler: share of samples the judge gives their assigned value; NaN otherwise
     * @param drawsPerSample reverse runs per released sample (above 1 when the private sampler redraws)
     * @param grid the first samples, pixels in [0, 1]
     * @param gridCount images in grid
     */
    public record Row(String setting, String label, double trueShare, double epsilon, double judgeShare,
            ShareEstimate classifierCount, ShareEstimate shadow, double frechet, double frechetMatched, double confidence,
            double targetHitRate, double drawsPerSample, float[] grid, int gridCount) {}
}
