package org.diffleak.core.membership.blackbox;

import org.diffleak.core.metrics.ImageSimilarity;

/**
 * The similarities a black-box attack compares a query with its model outputs by, each oriented so that
 * higher = closer = more likely a member: −MSE on pixels, SSIM, and the cosine similarity of encoder
 * features (when an encoder is given).
 */
public final class Similarity {

    /** Names of the feature columns, in order. */
    public static String[] names(boolean encoder) {
        return encoder ? new String[] {"neg_l2", "ssim", "encoder_cosine"} : new String[] {"neg_l2", "ssim"};
    }

    private final int channels;
    private final int height;
    private final int width;
    private final ImageEncoder encoder;

    public Similarity(int channels, int size, ImageEncoder encoder) {
        this(channels, size, size, encoder);
    }

    /** For images of channels×height×width; encoder null for the pixel similarities only. */
    public Similarity(int channels, int height, int width, ImageEncoder encoder) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.encoder = encoder;
    }

    public int dimension() {
        return encoder == null ? 2 : 3;
    }

    /**
     * Similarities between query i and output i for n pairs, as rows [n][dimension()]. The queries' encoder
     * features can be passed in precomputed (or null).
     */
    public double[][] pairs(float[] queries, float[][] queryFeatures, float[] outputs, int n) {
        int d = channels * height * width;
        float[][] outFeatures = encoder == null ? null : encoder.encode(outputs, n);
        float[][] qf = encoder == null || queryFeatures != null ? queryFeatures : encoder.encode(queries, n);
        float[] a = new float[d];
        float[] b = new float[d];
        double[][] out = new double[n][dimension()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(queries, i * d, a, 0, d);
            System.arraycopy(outputs, i * d, b, 0, d);
            out[i][0] = -ImageSimilarity.mse(a, b);
            out[i][1] = ImageSimilarity.ssim(a, b, channels, height, width);
            if (encoder != null) {
                out[i][2] = ImageSimilarity.cosine(qf[i], outFeatures[i]);
            }
        }
        return out;
    }

    public ImageEncoder encoder() {
        return encoder;
    }
}
