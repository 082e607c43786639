package org.diffleak.core.inversion;

import java.util.List;
import org.diffleak.core.metrics.ImageSimilarity;

/**
 * How close one recovered image is to a user's batch: SSIM and encoder cosine against each image of the
 * user's own batch (mean and max), the mean encoder cosine against every user's batch, and whether the
 * own batch is the closest of all.
 */
public final class InversionMetrics {

    /**
     * @param ssimMean mean SSIM to the own batch's images
     * @param ssimMax the best SSIM to one of them
     * @param cosineMean mean encoder cosine to the own batch's images
     * @param cosineMax the best encoder cosine to one of them
     * @param bestOtherCosineMean the largest mean encoder cosine to another user's batch (NaN with one user)
     * @param closestUser the user whose batch has the largest mean encoder cosine
     * @param ownClosest whether that user is the own one
     */
    public record Similarity(double ssimMean, double ssimMax, double cosineMean, double cosineMax,
            double bestOtherCosineMean, int closestUser, boolean ownClosest) {}

    private InversionMetrics() {}

    /**
     * @param recovered the recovered image [C·H·W], pixels in [0, 1]
     * @param recoveredFeatures its encoder features
     * @param ownPixels the own batch [n·C·H·W], pixels in [0, 1]
     * @param batchFeatures encoder features of every user's batch, [user][image][feature]
     * @param own the own user's position in batchFeatures
     */
    public static Similarity of(float[] recovered, float[] recoveredFeatures, float[] ownPixels, int channels,
            int height, int width, List<float[][]> batchFeatures, int own) {
        int d = channels * height * width;
        if (recovered.length != d || ownPixels.length % d != 0) {
            throw new IllegalArgumentException("image sizes do not match " + channels + "x" + height + "x" + width);
        }
        int n = ownPixels.length / d;
        double ssimSum = 0;
        double ssimMax = Double.NEGATIVE_INFINITY;
        float[] img = new float[d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(ownPixels, i * d, img, 0, d);
            double s = ImageSimilarity.ssim(recovered, img, channels, height, width);
            ssimSum += s;
            ssimMax = Math.max(ssimMax, s);
        }
        double cosMax = Double.NEGATIVE_INFINITY;
        for (float[] f : batchFeatures.get(own)) {
            cosMax = Math.max(cosMax, ImageSimilarity.cosine(recoveredFeatures, f));
        }
        int closest = -1;
        double closestMean = Double.NEGATIVE_INFINITY;
        double bestOther = Double.NaN;
        double ownMean = Double.NaN;
        for (int u = 0; u < batchFeatures.size(); u++) {
            double mean = meanCosine(recoveredFeatures, batchFeatures.get(u));
            if (u == own) {
                ownMean = mean;
            } else if (Double.isNaN(bestOther) || mean > bestOther) {
                bestOther = mean;
            }
            if (mean > closestMean) {
                closestMean = mean;
                closest = u;
            }
        }
        return new Similarity(ssimSum / n, ssimMax, ownMean, cosMax, bestOther, closest, closest == own);
    }

    /**
     * "Own batch closest" asked of the users' real images: the share of the own batch's images whose mean
     * encoder cosine to the rest of the own batch exceeds their mean cosine to every other user's batch (NaN for
     * a batch of one). It tells how far the encoder separates the users at all; a recovered image, a prototype of
     * the whole batch rather than one member, can score higher.
     */
    public static double realOwnClosestShare(List<float[][]> batchFeatures, int own) {
        float[][] mine = batchFeatures.get(own);
        int n = mine.length;
        if (n < 2) {
            return Double.NaN;
        }
        int closest = 0;
        for (int i = 0; i < n; i++) {
            double rest = (meanCosine(mine[i], mine) * n - ImageSimilarity.cosine(mine[i], mine[i])) / (n - 1);
            boolean best = true;
            for (int u = 0; u < batchFeatures.size() && best; u++) {
                best = u == own || meanCosine(mine[i], batchFeatures.get(u)) < rest;
            }
            closest += best ? 1 : 0;
        }
        return (double) closest / n;
    }

    static double meanCosine(float[] a, float[][] batch) {
        double s = 0;
        for (float[] f : batch) {
            s += ImageSimilarity.cosine(a, f);
        }
        return s / batch.length;
    }
}
