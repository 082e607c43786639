package org.diffleak.core.io;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes a batch of images (NCHW floats in [0, 1]) as one PNG grid. */
public final class ImageGrid {

    private ImageGrid() {}

    public static BufferedImage render(float[] pixels, int n, int channels, int height, int width, int columns, int pad) {
        int cols = Math.max(1, Math.min(columns, n));
        int rows = (n + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * (width + pad) + pad, rows * (height + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int i = 0; i < n; i++) {
            int ox = pad + (i % cols) * (width + pad);
            int oy = pad + (i / cols) * (height + pad);
            int base = i * channels * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int p = y * width + x;
                    int r = toByte(pixels[base + p]);
                    int g = channels == 3 ? toByte(pixels[base + plane + p]) : r;
                    int b = channels == 3 ? toByte(pixels[base + 2 * plane + p]) : r;
                    img.setRGB(ox + x, oy + y, (r << 16) | (g << 8) | b);
                }
            }
        }
        return img;
    }

    public static void writePng(Path file, float[] pixels, int n, int channels, int height, int width, int columns) {
        BufferedImage img = render(pixels, n, channels, height, width, columns, 2);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new java.io.IOException("no PNG writer available");
            }
        });
    }

    private static int toByte(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
