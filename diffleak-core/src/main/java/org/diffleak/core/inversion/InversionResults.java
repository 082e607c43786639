package org.diffleak.core.inversion;

import java.util.List;
import java.util.Map;

/**
 * Everything a gradient-inversion study produced: the settings as written by the caller, each user's batch
 * (its first images, for thumbnails) per batch size, every attack outcome and the per-cell summaries.
 *
 * @param settings the study's settings, for the report
 * @param channels image channels
 * @param size image side
 * @param batches per batch size, one entry per user
 * @param outcomes every (batch size, ε, prior, user) attack
 * @param summaries {@link InversionSummary#of} the outcomes
 */
public record InversionResults(Map<String, Object> settings, int channels, int size, Map<Integer, List<UserBatch>> batches,
        List<UserOutcome> outcomes, List<InversionSummary> summaries) {

    /**
     * @param user user number
     * @param attribute the user's fine category
     * @param thumbnails the first images of the batch [k·C·H·W], pixels in [0, 1]
     * @param count k
     */
    public record UserBatch(int user, int attribute, float[] thumbnails, int count) {}
}
