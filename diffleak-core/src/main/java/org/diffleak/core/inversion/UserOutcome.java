package org.diffleak.core.inversion;

/**
 * One user's attack with one prior, as reported.
 *
 * @param user user number
 * @param batchSize images in the user's batch
 * @param epsilon the client's DP ε (infinite without DP)
 * @param prior "none" or "diffusion"
 * @param attribute the user's true fine category
 * @param group its coarse group (the federated label)
 * @param inferredGroup the dominant class of label inference
 * @param inferredCount label inference's image count for the true group
 * @param predictedAttribute the attribute classifier's fine category for the recovered image
 * @param realAttributeShare share of the user's real images the same classifier puts in their category (within
 *     the true group): what a perfect recovery of one of them would score
 * @param realOwnClosestShare share of the user's real images closer (mean encoder cosine) to the rest of the own
 *     batch than to any other user's batch: "own batch closest" asked of the user's real images
 * @param similarity the recovered image against the user's and the other users' batches
 * @param matchingLoss the final gradient-matching loss
 * @param seconds wall time of the attack
 * @param recovered the recovered image [C·H·W], pixels in [0, 1]
 */
public record UserOutcome(int user, int batchSize, double epsilon, String prior, int attribute, int group,
        int inferredGroup, int inferredCount, int predictedAttribute, double realAttributeShare,
        double realOwnClosestShare,
        InversionMetrics.Similarity similarity,
        double matchingLoss, double seconds, float[] recovered) {

    public boolean labelCorrect() {
        return inferredGroup == group;
    }

    public boolean attributeCorrect() {
        return predictedAttribute == attribute;
    }
}
