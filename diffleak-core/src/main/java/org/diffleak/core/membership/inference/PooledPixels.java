package org.diffleak.core.membership.inference;

import org.diffleak.core.data.ImageDataset;

/**
 * A small description of an image for the quantile regressor: per channel and per cell of a grid×grid partition
 * (adaptive average pooling; cell r spans rows ⌊r·H/grid⌋ to ⌊(r+1)·H/grid⌋, columns likewise) the mean value and
 * the mean gradient magnitude |∂x| + |∂y| (forward differences, 0 past the last row or column), then the
 * channel's standard deviation. Coarse shape, detail and contrast are what make an image easy or hard to denoise.
 */
public final class PooledPixels {

    private PooledPixels() {}

    /** Rows [image][channels·(2·grid² + 1)]: per channel the cell means, the cell gradients, the spread. */
    public static double[][] of(ImageDataset images, int grid) {
        int c = images.channels();
        int h = images.height();
        int w = images.width();
        if (grid < 1 || grid > Math.min(h, w)) {
            throw new IllegalArgumentException("the pooling grid must be in [1, " + Math.min(h, w) + "], got " + grid);
        }
        double[][] out = new double[images.size()][c * (2 * grid * grid + 1)];
        float[] px = images.pixels();
        int plane = h * w;
        for (int i = 0; i < images.size(); i++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (i * c + ch) * plane;
                int o = ch * (2 * grid * grid + 1);
                double sum = 0;
                double sq = 0;
                for (int gr = 0; gr < grid; gr++) {
                    int r0 = gr * h / grid;
                    int r1 = (gr + 1) * h / grid;
                    for (int gc = 0; gc < grid; gc++) {
                        int c0 = gc * w / grid;
                        int c1 = (gc + 1) * w / grid;
                        double cell = 0;
                        double detail = 0;
                        for (int y = r0; y < r1; y++) {
                            for (int x = c0; x < c1; x++) {
                                double v = px[base + y * w + x];
                                cell += v;
                                sum += v;
                                sq += v * v;
                                detail += (x + 1 < w ? Math.abs(px[base + y * w + x + 1] - v) : 0)
                                        + (y + 1 < h ? Math.abs(px[base + (y + 1) * w + x] - v) : 0);
                            }
                        }
                        int pixels = (r1 - r0) * (c1 - c0);
                        out[i][o + gr * grid + gc] = cell / pixels;
                        out[i][o + grid * grid + gr * grid + gc] = detail / pixels;
                    }
                }
                double mean = sum / plane;
                out[i][o + 2 * grid * grid] = Math.sqrt(Math.max(0, sq / plane - mean * mean));
            }
        }
        return out;
    }
}
