package org.diffleak.core.config;

import java.util.List;

/**
 * Architecture of the UNet denoiser ε_θ(x_t, t[, y]).
 *
 * @param channels image channels (1 or 3)
 * @param imageSize square side in pixels (28, 32 or 64); must be divisible by 2^(levels−1)
 * @param baseWidth channels of the first level
 * @param multipliers width multiplier per resolution level
 * @param resBlocks residual blocks per level
 * @param attention self-attention at the lowest resolution
 * @param numClasses class-conditioning classes (0 = unconditional); index numClasses is the null label
 * @param groups GroupNorm groups
 */
public record UNetConfig(
        int channels,
        int imageSize,
        int baseWidth,
        List<Integer> multipliers,
        int resBlocks,
        boolean attention,
        int numClasses,
        int groups) {

    public UNetConfig {
        multipliers = List.copyOf(multipliers);
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (multipliers.isEmpty() || multipliers.stream().anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException("multipliers must be positive integers, got " + multipliers);
        }
        int down = 1 << (multipliers.size() - 1);
        if (imageSize < 4 || imageSize % down != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " must be divisible by " + down
                    + " for " + multipliers.size() + " levels");
        }
        if (baseWidth < 1 || resBlocks < 1 || numClasses < 0 || groups < 1) {
            throw new IllegalArgumentException("baseWidth, resBlocks and groups must be ≥ 1 and numClasses ≥ 0");
        }
        for (int m : multipliers) {
            if ((baseWidth * m) % groups != 0) {
                throw new IllegalArgumentException("width " + baseWidth * m + " is not divisible by " + groups
                        + " GroupNorm groups");
            }
        }
    }

    /** The default of ARCHITECTURE.md: 32→64→128 channels, 1×28×28 (2.0M parameters in this layout). */
    public static UNetConfig fashionMnistDefault() {
        return new UNetConfig(1, 28, 32, List.of(1, 2, 4), 1, true, 0, 8);
    }

    /** A tiny configuration for tests. */
    public static UNetConfig tiny(int channels, int imageSize) {
        return new UNetConfig(channels, imageSize, 8, List.of(1, 2), 1, true, 0, 4);
    }

    public UNetConfig withClasses(int classes) {
        return new UNetConfig(channels, imageSize, baseWidth, multipliers, resBlocks, attention, classes, groups);
    }

    public int width(int level) {
        return baseWidth * multipliers.get(level);
    }

    public int levels() {
        return multipliers.size();
    }

    /** Width of the time (and class) embedding. */
    public int embedDim() {
        return 4 * baseWidth;
    }
}
