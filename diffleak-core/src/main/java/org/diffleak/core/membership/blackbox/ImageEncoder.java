package org.diffleak.core.membership.blackbox;

/** Maps images [n·C·H·W] in [0, 1] to feature vectors, for the encoder-cosine similarity of black-box attacks. */
@FunctionalInterface
public interface ImageEncoder {

    float[][] encode(float[] images, int n);
}
