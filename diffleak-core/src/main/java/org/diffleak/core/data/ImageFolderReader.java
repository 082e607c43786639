package org.diffleak.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.diffleak.core.io.DataException;

/**
 * Reads a folder of PNG/JPEG images into a dataset of channels×size×size images. Images lying directly in the
 * folder are unlabelled (−1); a folder holding only class subfolders gives labels 0..k−1 by sorted subfolder name.
 * Optional binary attributes come from a CelebA {@code list_attr_celeba.txt}-style file.
 */
public final class ImageFolderReader {

    private ImageFolderReader() {}

    public static ImageDataset read(Path dir, int channels, int size, Path attributesFileOrNull) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": not a directory");
        }
        List<Path> files = new ArrayList<>(images(dir));
        List<Integer> labels = new ArrayList<>(Collections.nCopies(files.size(), -1));
        if (files.isEmpty()) {
            List<Path> classes = list(dir).stream().filter(Files::isDirectory).toList();
            if (classes.isEmpty()) {
                throw new DataException(dir + ": no .png/.jpg/.jpeg images and no class subfolders");
            }
            for (int k = 0; k < classes.size(); k++) {
                List<Path> members = images(classes.get(k));
                if (members.isEmpty()) {
                    throw new DataException(classes.get(k) + ": class folder has no .png/.jpg/.jpeg images");
                }
                files.addAll(members);
                labels.addAll(Collections.nCopies(members.size(), k));
            }
        }

        int d = channels * size * size;
        float[] pixels = new float[files.size() * d];
        for (int i = 0; i < files.size(); i++) {
            load(files.get(i), channels, size, pixels, i * d);
        }
        int[] lb = labels.stream().mapToInt(Integer::intValue).toArray();
        if (attributesFileOrNull == null) {
            return ImageDataset.of(dir.toString(), channels, size, size, pixels, lb);
        }
        Attributes attrs = readAttributes(attributesFileOrNull);
        boolean[][] rows = new boolean[files.size()][];
        for (int i = 0; i < rows.length; i++) {
            String name = files.get(i).getFileName().toString();
            rows[i] = attrs.rows.get(name);
            if (rows[i] == null) {
                throw new DataException(attributesFileOrNull + ": no row for image " + name);
            }
        }
        return new ImageDataset(dir.toString(), channels, size, size, pixels, lb, attrs.names, rows);
    }

    /** Non-hidden entries of dir sorted by name. */
    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /** The image files directly in dir; hidden ones (such as macOS "._x.jpg" forks) are skipped. */
    static List<Path> images(Path dir) {
        return list(dir).stream().filter(p -> {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
        }).toList();
    }

    private static void load(Path file, int channels, int size, float[] dst, int offset) {
        loadResized(file, channels, size, size, dst, offset);
    }

    /**
     * One image resized to height×width (antialiased bilinear, the identity at its own size) with `channels`
     * channels (RGB, or luma 0.299 R + 0.587 G + 0.114 B for one).
     */
    static void loadResized(Path file, int channels, int height, int width, float[] dst, int offset) {
        BufferedImage img = decode(file);
        int w = img.getWidth();
        int h = img.getHeight();
        float[][] planes = planes(img, channels);
        Taps tx = taps(w, width);
        Taps ty = taps(h, height);
        for (int c = 0; c < channels; c++) {
            resize(planes[c], w, tx, ty, width, height, dst, offset + c * height * width);
        }
    }

    /** The stored shape of an image file: {channels, height, width} (colour channels, alpha not counted). */
    static int[] storedShape(Path file) {
        BufferedImage img = decode(file);
        return new int[] {img.getColorModel().getNumColorComponents(), img.getHeight(), img.getWidth()};
    }

    /**
     * One image exactly as stored, without resizing or colour conversion: an image that is not size×size or
     * has another number of colour channels is a one-line error naming the file.
     */
    static void loadExact(Path file, int channels, int size, float[] dst, int offset) {
        loadExact(file, channels, size, size, dst, offset, "the model takes");
    }

    /** As {@link #loadExact(Path, int, int, float[], int)} for height×width; `expected` says who asks for the shape. */
    static void loadExact(Path file, int channels, int height, int width, float[] dst, int offset, String expected) {
        BufferedImage img = decode(file);
        int stored = img.getColorModel().getNumColorComponents();
        if (img.getWidth() != width || img.getHeight() != height || stored != channels) {
            throw new DataException(file + ": image is " + stored + "x" + img.getHeight() + "x" + img.getWidth()
                    + " (channels x height x width), " + expected + " " + channels + "x" + height + "x" + width);
        }
        float[][] planes = planes(img, channels);
        for (int c = 0; c < channels; c++) {
            System.arraycopy(planes[c], 0, dst, offset + c * height * width, height * width);
        }
    }

    private static BufferedImage decode(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such image file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file + ": cannot read image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new DataException(file + ": cannot read image");
        }
        return img;
    }

    /** The image as channels planes of h·w values in [0, 1]: RGB, or luma 0.299 R + 0.587 G + 0.114 B. */
    private static float[][] planes(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[][] planes = new float[channels][];
        ColorModel cm = img.getColorModel();
        if (cm.getNumColorComponents() == 1) {
            // Gray: raw samples, since getRGB would push them through a linear-to-sRGB curve.
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] gray = img.getRaster().getSamples(0, 0, w, h, 0, (float[]) null);
            for (int i = 0; i < gray.length; i++) {
                gray[i] /= max;
            }
            for (int c = 0; c < channels; c++) {
                planes[c] = gray;
            }
            return planes;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int c = 0; c < channels; c++) {
            planes[c] = new float[argb.length];
        }
        for (int i = 0; i < argb.length; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            if (channels == 1) {
                planes[0][i] = Math.min(1f, (0.299f * r + 0.587f * g + 0.114f * b) / 255f);
            } else {
                planes[0][i] = r / 255f;
                planes[1][i] = g / 255f;
                planes[2][i] = b / 255f;
            }
        }
        return planes;
    }

    /** Per output pixel along one axis: the first source pixel and the normalised weights from there on. */
    private record Taps(int[] first, float[][] weights) {}

    /**
     * Triangle (bilinear) filter widened to the scale factor when shrinking, so every source pixel counts
     * (antialiased, as PIL's BILINEAR resize). Scaling by 1 is the identity.
     */
    private static Taps taps(int in, int out) {
        double scale = (double) in / out;
        double support = Math.max(scale, 1.0);
        int[] first = new int[out];
        float[][] weights = new float[out][];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int lo = Math.max(0, (int) Math.floor(center - support));
            int hi = Math.min(in, (int) Math.ceil(center + support));
            double[] w = new double[hi - lo];
            double sum = 0;
            for (int s = lo; s < hi; s++) {
                w[s - lo] = Math.max(0.0, 1.0 - Math.abs((s + 0.5 - center) / support));
                sum += w[s - lo];
            }
            first[o] = lo;
            weights[o] = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                weights[o][k] = (float) (w[k] / sum);
            }
        }
        return new Taps(first, weights);
    }

    /** Separable resize of one w-wide plane to outW×outH: rows first, then columns, into dst at offset. */
    private static void resize(float[] src, int w, Taps tx, Taps ty, int outW, int outH, float[] dst, int offset) {
        int h = src.length / w;
        float[] rows = new float[h * outW];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                float acc = 0;
                float[] wt = tx.weights[x];
                for (int k = 0; k < wt.length; k++) {
                    acc += wt[k] * src[y * w + tx.first[x] + k];
                }
                rows[y * outW + x] = acc;
            }
        }
        for (int y = 0; y < outH; y++) {
            float[] wt = ty.weights[y];
            for (int x = 0; x < outW; x++) {
                float acc = 0;
                for (int k = 0; k < wt.length; k++) {
                    acc += wt[k] * rows[(ty.first[y] + k) * outW + x];
                }
                dst[offset + y * outW + x] = Math.min(1f, acc);
            }
        }
    }

    /** Attribute names and one row of flags per image file name. */
    private record Attributes(List<String> names, Map<String, boolean[]> rows) {}

    /** CelebA layout: line 1 the image count, line 2 the attribute names, then "file v1 v2 …" with ±1. */
    private static Attributes readAttributes(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (lines.size() < 2) {
            throw new DataException(file + ": expected an image count and a line of attribute names");
        }
        int declared;
        try {
            declared = Integer.parseInt(lines.get(0).trim());
        } catch (NumberFormatException e) {
            throw new DataException(file + ":1: expected the number of images, got '" + lines.get(0).trim() + "'");
        }
        List<String> names = List.of(lines.get(1).trim().split("\\s+"));
        Map<String, boolean[]> rows = new HashMap<>();
        for (int i = 2; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String at = file + ":" + (i + 1) + ": ";
            String[] cols = line.split("\\s+");
            if (cols.length != names.size() + 1) {
                throw new DataException(at + "expected a file name and " + names.size() + " values, got "
                        + cols.length + " columns");
            }
            boolean[] flags = new boolean[names.size()];
            for (int k = 0; k < flags.length; k++) {
                String v = cols[k + 1];
                if (!v.equals("1") && !v.equals("-1")) {
                    throw new DataException(at + "attribute " + names.get(k) + " is '" + v + "', expected 1 or -1");
                }
                flags[k] = v.equals("1");
            }
            if (rows.put(cols[0], flags) != null) {
                throw new DataException(at + "second row for " + cols[0]);
            }
        }
        if (rows.size() != declared) {
            throw new DataException(file + ":1: says " + declared + " images but the file has " + rows.size() + " rows");
        }
        return new Attributes(names, rows);
    }
}
