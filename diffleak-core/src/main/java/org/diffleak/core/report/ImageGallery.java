package org.diffleak.core.report;

import java.util.List;
import java.util.Objects;

/**
 * Images shown side by side with one label each, e.g. the most and least exposed members.
 *
 * @param pixels n images, NCHW floats in [0, 1]
 * @param channels 1 (grey) or 3 (RGB)
 * @param columns images per row
 * @param labels one per image (e.g. "id 412 · score −0.031"), or empty
 */
public record ImageGallery(String title, String caption, float[] pixels, int n, int channels, int height,
        int width, int columns, List<String> labels) {

    public ImageGallery {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(caption, "caption");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(title + ": channels must be 1 or 3, got " + channels);
        }
        if (n < 0 || height <= 0 || width <= 0 || columns <= 0) {
            throw new IllegalArgumentException(title + ": bad shape n=" + n + " " + height + "x" + width
                    + " columns=" + columns);
        }
        if (pixels.length != (long) n * channels * height * width) {
            throw new IllegalArgumentException(title + ": " + pixels.length + " pixels for " + n + "x" + channels
                    + "x" + height + "x" + width);
        }
        labels = List.copyOf(labels);
        if (!labels.isEmpty() && labels.size() != n) {
            throw new IllegalArgumentException(title + ": " + labels.size() + " labels for " + n + " images");
        }
    }
}
