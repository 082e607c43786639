package org.diffleak.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.diffleak.core.io.DataException;

/**
 * Images held as float pixels in [0, 1], row-major NCHW, with an integer label per image (−1 when
 * unlabeled) and optional named binary attributes (CelebA layout: +1 / −1 stored as true / false).
 *
 * @param name where the images came from, for error messages and model cards
 * @param pixels n·c·h·w values in [0, 1]
 * @param labels n class labels, −1 where unknown
 * @param attributeNames names of the attribute columns, empty when there are none
 * @param attributes n rows of attributeNames.size() flags, or null when there are none
 */
public record ImageDataset(
        String name,
        int channels,
        int height,
        int width,
        float[] pixels,
        int[] labels,
        List<String> attributeNames,
        boolean[][] attributes) {

    public ImageDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        attributeNames = List.copyOf(attributeNames);
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(name + ": image shape must be positive, got "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel values do not hold "
                    + labels.length + " images of " + channels + "x" + height + "x" + width);
        }
        if (attributes != null && attributes.length != labels.length) {
            throw new IllegalArgumentException(name + ": " + attributes.length + " attribute rows for "
                    + labels.length + " images");
        }
    }

    /** An unlabeled-attribute dataset. */
    public static ImageDataset of(String name, int channels, int height, int width, float[] pixels, int[] labels) {
        return new ImageDataset(name, channels, height, width, pixels, labels, List.of(), null);
    }

    public int size() {
        return labels.length;
    }

    public int imageSize() {
        return channels * height * width;
    }

    /** Number of classes: one more than the largest label (0 when unlabeled). */
    public int numClasses() {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /** The images at the given indices, in that order, as a new dataset. */
    public ImageDataset subset(int[] indices, String subsetName) {
        int d = imageSize();
        float[] px = new float[indices.length * d];
        int[] lb = new int[indices.length];
        boolean[][] at = attributes == null ? null : new boolean[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            System.arraycopy(pixels, src * d, px, i * d, d);
            lb[i] = labels[src];
            if (at != null) {
                at[i] = attributes[src];
            }
        }
        return new ImageDataset(subsetName, channels, height, width, px, lb, attributeNames, at);
    }

    /** Throws a one-line DataException unless these images are channels×size×size, what a model takes. */
    public void requireShape(int channels, int size) {
        requireShape(channels, size, size);
    }

    /** Throws a one-line DataException unless these images are channels×height×width. */
    public void requireShape(int channels, int height, int width) {
        if (channels() != channels || height() != height || width() != width) {
            throw new DataException(name() + ": images are " + channels() + "x" + height() + "x" + width()
                    + ", the target takes " + channels + "x" + height + "x" + width);
        }
    }

    /** Copies image i (c·h·w values) into dst at offset. */
    public void copyImage(int i, float[] dst, int offset) {
        System.arraycopy(pixels, i * imageSize(), dst, offset, imageSize());
    }
}
