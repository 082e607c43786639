package org.diffleak.core.shift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffleak.core.data.ImageDataset;

/**
 * Model-free features of an image, for telling two image sets apart without any model: what differs when two
 * folders come from different sources (capture, post-processing, compression, framing) rather than from one.
 * Computed on the 8-bit scale (pixels × 255) of the luminance, the mean over channels, plus each channel's mean
 * and standard deviation for colour images. The groups, in order:
 * <ul>
 *   <li>pixel statistics: mean, standard deviation, min, max, the 1/5/25/50/75/95/99% quantiles, the share of
 *       black (&lt; 0.5) and of white (&gt; 254.5) pixels, and the share of empty levels in the histogram between
 *       min and max (the comb that a contrast change leaves in 8-bit data);</li>
 *   <li>an intensity histogram of 16 equal bins, as shares of the pixels;</li>
 *   <li>gradients: mean |∂x|, mean |∂y| and mean |∇²| (the 4-neighbour Laplacian);</li>
 *   <li>spatial layout: the intensity centroid and spread (x, y, relative to the image centre and size), the mean
 *       of each border row and column, and a 4×4 grid of region means;</li>
 *   <li>frequency energy: the log mean squared 8×8 block-DCT coefficient (orthonormal DCT-II, the JPEG grid from
 *       the top-left corner) in 8 bands of u + v: 0, 1, 2, 3–4, 5–6, 7–8, 9–11, 12–14;</li>
 *   <li>JPEG traces: blockiness, the mean absolute step across 8-pixel block borders over the mean step inside
 *       blocks (horizontal, vertical), and the share of AC coefficients that quantisation zeroed (|F| &lt; 1) in the
 *       mid (u + v in 5–8) and high (≥ 9) bands.</li>
 * </ul>
 * Images smaller than 8×8 get zeros for the block features (constant, so they carry no weight).
 */
public final class ImageFeatures {

    /** The feature groups, as the report names them. */
    public static final List<String> GROUPS = List.of("pixel statistics", "intensity histogram (16 bins)",
            "gradients", "spatial layout (centroid, spread, borders, 4×4 region means)",
            "8×8 block-DCT energy in 8 frequency bands", "JPEG traces (block-border steps, zeroed DCT coefficients)");

    private static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    private static final int BINS = 16;
    private static final int GRID = 4;
    private static final int[] BAND_OF_SUM = {0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7};
    private static final int BANDS = 8;
    private static final double[][] DCT = dctBasis();

    private ImageFeatures() {}

    /** The feature names of images with this many channels, in column order. */
    public static List<String> names(int channels) {
        List<String> n = new ArrayList<>(List.of("mean", "std", "min", "max"));
        for (double q : QUANTILES) {
            n.add("q" + (int) Math.round(q * 100));
        }
        n.addAll(List.of("black share", "white share", "empty levels"));
        for (int b = 0; b < BINS; b++) {
            n.add("hist " + b);
        }
        n.addAll(List.of("mean |dx|", "mean |dy|", "mean |laplacian|", "centroid x", "centroid y", "spread x",
                "spread y", "top row", "bottom row", "left column", "right column"));
        for (int r = 0; r < GRID * GRID; r++) {
            n.add("region " + r / GRID + "," + r % GRID);
        }
        for (int b = 0; b < BANDS; b++) {
            n.add("dct band " + b);
        }
        n.addAll(List.of("blockiness x", "blockiness y", "zeroed mid", "zeroed high"));
        if (channels > 1) {
            for (int c = 0; c < channels; c++) {
                n.add("channel " + c + " mean");
                n.add("channel " + c + " std");
            }
        }
        return n;
    }

    /** One row of {@link #names} per image. */
    public static double[][] of(ImageDataset images) {
        int d = images.imageSize();
        double[][] out = new double[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            out[i] = of(images.pixels(), i * d, images.channels(), images.height(), images.width());
        }
        return out;
    }

    /** The features of the c×h×w image at offset of pixels (values in [0, 1]). */
    static double[] of(float[] pixels, int offset, int c, int h, int w) {
        int hw = h * w;
        double[] y = new double[hw];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                y[p] += 255.0 * pixels[offset + ch * hw + p] / c;
            }
        }
        List<Double> f = new ArrayList<>(names(c).size());
        statistics(y, f);
        histogram(y, f);
        gradients(y, h, w, f);
        layout(y, h, w, f);
        blocks(y, h, w, f);
        if (c > 1) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                double ss = 0;
                for (int p = 0; p < hw; p++) {
                    double v = 255.0 * pixels[offset + ch * hw + p];
                    s += v;
                    ss += v * v;
                }
                double mean = s / hw;
                f.add(mean);
                f.add(Math.sqrt(Math.max(0, ss / hw - mean * mean)));
            }
        }
        return f.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void statistics(double[] y, List<Double> f) {
        int n = y.length;
        double s = 0;
        double ss = 0;
        int black = 0;
        int white = 0;
        boolean[] level = new boolean[256];
        for (double v : y) {
            s += v;
            ss += v * v;
            black += v < 0.5 ? 1 : 0;
            white += v > 254.5 ? 1 : 0;
            level[(int) Math.max(0, Math.min(255, Math.round(v)))] = true;
        }
        double mean = s / n;
        double[] sorted = y.clone();
        Arrays.sort(sorted);
        f.add(mean);
        f.add(Math.sqrt(Math.max(0, ss / n - mean * mean)));
        f.add(sorted[0]);
        f.add(sorted[n - 1]);
        for (double q : QUANTILES) {
            f.add(sorted[(int) Math.round(q * (n - 1))]);
        }
        f.add((double) black / n);
        f.add((double) white / n);
        int lo = (int) Math.round(sorted[0]);
        int hi = (int) Math.round(sorted[n - 1]);
        int empty = 0;
        for (int v = lo; v <= hi; v++) {
            empty += level[v] ? 0 : 1;
        }
        f.add((double) empty / (hi - lo + 1));
    }

    private static void histogram(double[] y, List<Double> f) {
        double[] h = new double[BINS];
        for (double v : y) {
            h[Math.max(0, Math.min(BINS - 1, (int) (v * BINS / 256.0)))]++;
        }
        for (double v : h) {
            f.add(v / y.length);
        }
    }

    private static void gradients(double[] y, int h, int w, List<Double> f) {
        double dx = 0;
        double dy = 0;
        double lap = 0;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double v = y[r * w + c];
                if (c + 1 < w) {
                    dx += Math.abs(y[r * w + c + 1] - v);
                }
                if (r + 1 < h) {
                    dy += Math.abs(y[(r + 1) * w + c] - v);
                }
                if (r > 0 && c > 0 && r + 1 < h && c + 1 < w) {
                    lap += Math.abs(y[(r - 1) * w + c] + y[(r + 1) * w + c] + y[r * w + c - 1] + y[r * w + c + 1]
                            - 4 * v);
                }
            }
        }
        f.add(w > 1 ? dx / (h * (w - 1)) : 0);
        f.add(h > 1 ? dy / ((h - 1) * w) : 0);
        f.add(h > 2 && w > 2 ? lap / ((h - 2) * (w - 2)) : 0);
    }

    private static void layout(double[] y, int h, int w, List<Double> f) {
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double v = y[r * w + c];
                mass += v;
                mx += v * c;
                my += v * r;
            }
        }
        double cx = mass > 0 ? mx / mass : (w - 1) / 2.0;
        double cy = mass > 0 ? my / mass : (h - 1) / 2.0;
        double sx = 0;
        double sy = 0;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                double v = y[r * w + c];
                sx += v * (c - cx) * (c - cx);
                sy += v * (r - cy) * (r - cy);
            }
        }
        f.add((cx - (w - 1) / 2.0) / w);
        f.add((cy - (h - 1) / 2.0) / h);
        f.add(mass > 0 ? Math.sqrt(sx / mass) / w : 0);
        f.add(mass > 0 ? Math.sqrt(sy / mass) / h : 0);
        double top = 0;
        double bottom = 0;
        for (int c = 0; c < w; c++) {
            top += y[c];
            bottom += y[(h - 1) * w + c];
        }
        double left = 0;
        double right = 0;
        for (int r = 0; r < h; r++) {
            left += y[r * w];
            right += y[r * w + w - 1];
        }
        f.add(top / w);
        f.add(bottom / w);
        f.add(left / h);
        f.add(right / h);
        double[] region = new double[GRID * GRID];
        int[] count = new int[GRID * GRID];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int k = (r * GRID / h) * GRID + c * GRID / w;
                region[k] += y[r * w + c];
                count[k]++;
            }
        }
        for (int k = 0; k < region.length; k++) {
            f.add(count[k] > 0 ? region[k] / count[k] : 0);
        }
    }

    /** Block-DCT band energies and the JPEG traces, over the whole 8×8 blocks from the top-left corner. */
    private static void blocks(double[] y, int h, int w, List<Double> f) {
        int by = h / 8;
        int bx = w / 8;
        if (by == 0 || bx == 0) {
            for (int i = 0; i < BANDS + 4; i++) {
                f.add(0.0);
            }
            return;
        }
        double[] energy = new double[BANDS];
        int[] count = new int[BANDS];
        int zeroMid = 0;
        int mid = 0;
        int zeroHigh = 0;
        int high = 0;
        double[] block = new double[64];
        double[] tmp = new double[64];
        for (int r0 = 0; r0 < by * 8; r0 += 8) {
            for (int c0 = 0; c0 < bx * 8; c0 += 8) {
                for (int r = 0; r < 8; r++) {
                    for (int c = 0; c < 8; c++) {
                        block[r * 8 + c] = y[(r0 + r) * w + c0 + c] - 128;
                    }
                }
                dct(block, tmp);
                for (int u = 0; u < 8; u++) {
                    for (int v = 0; v < 8; v++) {
                        double coef = tmp[u * 8 + v];
                        int band = BAND_OF_SUM[u + v];
                        energy[band] += coef * coef;
                        count[band]++;
                        if (u + v >= 5 && u + v <= 8) {
                            mid++;
                            zeroMid += Math.abs(coef) < 1 ? 1 : 0;
                        } else if (u + v >= 9) {
                            high++;
                            zeroHigh += Math.abs(coef) < 1 ? 1 : 0;
                        }
                    }
                }
            }
        }
        for (int b = 0; b < BANDS; b++) {
            f.add(Math.log1p(energy[b] / count[b]));
        }
        f.add(blockiness(y, h, w, true));
        f.add(blockiness(y, h, w, false));
        f.add((double) zeroMid / mid);
        f.add((double) zeroHigh / high);
    }

    /**
     * Mean |step| across block borders (between pixel 8k−1 and 8k) over the mean |step| elsewhere, along x
     * (horizontal) or y; 1 for an image without block structure, above 1 after JPEG coding. (1 + a)/(1 + b) keeps
     * flat images finite.
     */
    private static double blockiness(double[] y, int h, int w, boolean alongX) {
        int len = alongX ? w : h;
        int other = alongX ? h : w;
        if (len <= 8) {
            return 1;
        }
        double border = 0;
        int nb = 0;
        double inside = 0;
        int ni = 0;
        for (int o = 0; o < other; o++) {
            for (int k = 1; k < len; k++) {
                double step = alongX ? Math.abs(y[o * w + k] - y[o * w + k - 1])
                        : Math.abs(y[k * w + o] - y[(k - 1) * w + o]);
                if (k % 8 == 0) {
                    border += step;
                    nb++;
                } else {
                    inside += step;
                    ni++;
                }
            }
        }
        return (1 + border / nb) / (1 + inside / ni);
    }

    /** The orthonormal 8×8 DCT-II of block (row-major) into out: F = C X Cᵀ. */
    private static void dct(double[] block, double[] out) {
        double[] rows = new double[64];
        for (int r = 0; r < 8; r++) {
            for (int v = 0; v < 8; v++) {
                double s = 0;
                for (int c = 0; c < 8; c++) {
                    s += DCT[v][c] * block[r * 8 + c];
                }
                rows[r * 8 + v] = s;
            }
        }
        for (int u = 0; u < 8; u++) {
            for (int v = 0; v < 8; v++) {
                double s = 0;
                for (int r = 0; r < 8; r++) {
                    s += DCT[u][r] * rows[r * 8 + v];
                }
                out[u * 8 + v] = s;
            }
        }
    }

    /** C[u][x] = a(u) cos((2x + 1)uπ/16), a(0) = √(1/8), a(u &gt; 0) = √(2/8). */
    private static double[][] dctBasis() {
        double[][] c = new double[8][8];
        for (int u = 0; u < 8; u++) {
            double a = Math.sqrt((u == 0 ? 1.0 : 2.0) / 8);
            for (int x = 0; x < 8; x++) {
                c[u][x] = a * Math.cos((2 * x + 1) * u * Math.PI / 16);
            }
        }
        return c;
    }
}
