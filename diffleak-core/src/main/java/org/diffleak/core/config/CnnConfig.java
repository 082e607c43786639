package org.diffleak.core.config;

import java.util.List;

/**
 * Architecture of the small CNN classifier / image encoder: one stage per width, each halving the
 * resolution, then global average pooling, a feature layer and a linear class head. GroupNorm only (no
 * BatchNorm), so per-sample gradients stay independent for DP-SGD.
 *
 * @param channels image channels (1 or 3)
 * @param imageSize square side in pixels
 * @param widths output channels of each stage
 * @param featureDim width of the feature (embedding) layer before the head
 * @param numClasses outputs of the class head (≥ 2)
 * @param groups GroupNorm groups; divides every width
 */
public record CnnConfig(
        int channels,
        int imageSize,
        List<Integer> widths,
        int featureDim,
        int numClasses,
        int groups) {

    public CnnConfig {
        widths = List.copyOf(widths);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (widths.isEmpty() || widths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("widths must be positive integers, got " + widths);
        }
        if (imageSize < 1 << widths.size()) {
            throw new IllegalArgumentException("image size " + imageSize + " is too small for " + widths.size()
                    + " downsampling stages (needs ≥ " + (1 << widths.size()) + ")");
        }
        if (featureDim < 1 || groups < 1) {
            throw new IllegalArgumentException("featureDim and groups must be ≥ 1");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + numClasses);
        }
        for (int w : widths) {
            if (w % groups != 0) {
                throw new IllegalArgumentException("width " + w + " is not divisible by " + groups
                        + " GroupNorm groups");
            }
        }
    }

    /** Two stages of 32 and 64 channels, 128 features, 8 groups (75k parameters for one channel, 10 classes). */
    public static CnnConfig defaultFor(int channels, int imageSize, int numClasses) {
        return new CnnConfig(channels, imageSize, List.of(32, 64), 128, numClasses, 8);
    }

    public int stages() {
        return widths.size();
    }
}
