package org.diffleak.core.membership.blackbox;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Images as the web APIs carry them: 8-bit PNG, grey (one channel) or RGB (three). A pixel v ∈ [0, 1] is
 * stored as round(255·v); a stored k reads back as k/255, so an image read from an 8-bit file survives the
 * round trip bit for bit.
 */
final class Png {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {}

    /** A PNG that is not what was asked for; the message is one line without the request. */
    static final class BadImageException extends Exception {
        BadImageException(String message) {
            super(message);
        }
    }

    /** Encodes image [C, H, W] at offset of px (C = 1 or 3). */
    static byte[] encode(float[] px, int offset, int channels, int height, int width) {
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = offset + y * width + x;
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, level(px[i]));
                } else {
                    img.setRGB(x, y, level(px[i]) << 16 | level(px[i + plane]) << 8 | level(px[i + 2 * plane]));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int level(float v) {
        return (int) Math.round(Math.min(1.0, Math.max(0.0, v)) * 255);
    }

    /**
     * Decodes a PNG of height×width into [C, H, W] at offset of dst with `channels` channels: an RGB answer to a
     * grey query becomes luma 0.299 R + 0.587 G + 0.114 B (as the image reader converts), a grey answer to an
     * RGB query is replicated; an alpha channel is ignored.
     */
    static void decode(byte[] png, int channels, int height, int width, float[] dst, int offset)
            throws BadImageException {
        if (png.length < SIGNATURE.length || !java.util.Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0,
                SIGNATURE.length)) {
            throw new BadImageException("not a PNG (" + kind(png) + ")");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException | RuntimeException e) {
            throw new BadImageException("an unreadable PNG (" + Wire.oneLine(e.getMessage()) + ")");
        }
        if (img == null) {
            throw new BadImageException("an unreadable PNG");
        }
        if (img.getWidth() != width || img.getHeight() != height) {
            throw new BadImageException("a " + img.getWidth() + "×" + img.getHeight() + " image (width×height), "
                    + width + "×" + height + " was asked for");
        }
        int plane = height * width;
        ColorModel cm = img.getColorModel();
        if (cm.getNumColorComponents() == 1) {
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] grey = img.getRaster().getSamples(0, 0, width, height, 0, (float[]) null);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    dst[offset + c * plane + i] = grey[i] / max;
                }
            }
            return;
        }
        int[] argb = img.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < plane; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            if (channels == 1) {
                dst[offset + i] = Math.min(1f, (0.299f * r + 0.587f * g + 0.114f * b) / 255f);
            } else {
                dst[offset + i] = r / 255f;
                dst[offset + plane + i] = g / 255f;
                dst[offset + 2 * plane + i] = b / 255f;
            }
        }
    }

    /** What a non-PNG answer looks like, for the error message. */
    private static String kind(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "a JPEG; ask the server for PNG (A1111: the samples_format setting)";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F' && b[8] == 'W' && b[9] == 'E') {
            return "a WebP; ask the server for PNG (A1111: the samples_format setting)";
        }
        return b.length + " bytes that do not start with the PNG signature";
    }
}
