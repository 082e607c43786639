package org.diffleak.core.metrics;

/**
 * Distances between two images of one layout [C, H, W] with pixel values in [0, 1] (data range L = 1), and
 * the cosine similarity of two feature vectors. Sums run in double whatever the float input.
 */
public final class ImageSimilarity {

    /** Gaussian window of Wang et al. 2004: σ = 1.5, radius 5 (scikit-image's truncate 3.5), 11 × 11 taps. */
    private static final double SIGMA = 1.5;
    private static final int RADIUS = 5;
    /** SSIM's Gaussian window: images must be at least this many pixels high and wide. */
    public static final int WINDOW = 2 * RADIUS + 1;
    private static final double[] KERNEL = gaussianKernel();
    /** C₁ = (K₁L)², C₂ = (K₂L)² with K₁ = 0.01, K₂ = 0.03, L = 1. */
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;

    /** Row-filtered μ_x, μ_y, E[x²], E[y²], E[xy] for one channel, reused by each thread. */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private ImageSimilarity() {}

    private static double[] gaussianKernel() {
        double[] k = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            int x = i - RADIUS;
            k[i] = Math.exp(-0.5 * x * x / (SIGMA * SIGMA));
            sum += k[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Mean squared error (1/n) Σ (aᵢ − bᵢ)². */
    public static double mse(float[] a, float[] b) {
        checkSameLength(a, b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        double mse = sum / a.length;
        if (!Double.isFinite(mse)) {
            throw nonFinite(a, b);
        }
        return mse;
    }

    /** Peak signal-to-noise ratio in dB, 10 log₁₀(L²/MSE) with L = 1; +∞ for equal images. */
    public static double psnr(float[] a, float[] b) {
        double mse = mse(a, b);
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }

    /**
     * Mean SSIM of Wang et al. 2004, eq. (13): S = (2μ_xμ_y + C₁)(2σ_xy + C₂) / ((μ_x² + μ_y² + C₁)(σ_x² + σ_y² +
     * C₂)), with μ, σ² and σ_xy the Gaussian-weighted local means, population variances and covariance (11 × 11
     * window, σ = 1.5), averaged over each channel's map and then over channels. This is scikit-image's
     * {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)}:
     * it filters the whole image with 'reflect' borders and then averages only the interior, 5 pixels in from each
     * edge. An interior window never reaches past the image, so the border mode cannot change the result and only
     * the interior is filtered here (separably: rows, then columns).
     */
    public static double ssim(float[] a, float[] b, int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got [" + channels + ", " + height
                    + ", " + width + "]");
        }
        if (height < WINDOW || width < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "×" + WINDOW
                    + " pixels (its Gaussian window), got " + height + "×" + width);
        }
        checkSameLength(a, b);
        if ((long) channels * height * width != a.length) {
            throw new IllegalArgumentException("shape [" + channels + ", " + height + ", " + width + "] needs "
                    + (long) channels * height * width + " values, got " + a.length);
        }
        int innerW = width - 2 * RADIUS;
        int innerH = height - 2 * RADIUS;
        int plane = height * innerW;
        double[] rows = SCRATCH.get();
        if (rows.length < 5 * plane) {
            rows = new double[5 * plane];
            SCRATCH.set(rows);
        }
        double total = 0;
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            // rows: horizontal pass over every row, kept only at the columns the interior windows are centred on
            for (int y = 0; y < height; y++) {
                int in = base + y * width;
                int out = y * innerW;
                for (int x = 0; x < innerW; x++) {
                    double mx = 0;
                    double my = 0;
                    double mxx = 0;
                    double myy = 0;
                    double mxy = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        double w = KERNEL[k];
                        double p = a[in + x + k];
                        double q = b[in + x + k];
                        mx += w * p;
                        my += w * q;
                        mxx += w * (p * p);
                        myy += w * (q * q);
                        mxy += w * (p * q); // p·q first: S(a, b) = S(b, a) bit for bit
                    }
                    rows[out + x] = mx;
                    rows[plane + out + x] = my;
                    rows[2 * plane + out + x] = mxx;
                    rows[3 * plane + out + x] = myy;
                    rows[4 * plane + out + x] = mxy;
                }
            }
            // columns: vertical pass at the interior pixels, SSIM map summed on the fly
            double sum = 0;
            for (int y = 0; y < innerH; y++) {
                for (int x = 0; x < innerW; x++) {
                    double mx = 0;
                    double my = 0;
                    double mxx = 0;
                    double myy = 0;
                    double mxy = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        double w = KERNEL[k];
                        int i = (y + k) * innerW + x;
                        mx += w * rows[i];
                        my += w * rows[plane + i];
                        mxx += w * rows[2 * plane + i];
                        myy += w * rows[3 * plane + i];
                        mxy += w * rows[4 * plane + i];
                    }
                    double vx = mxx - mx * mx;
                    double vy = myy - my * my;
                    double vxy = mxy - mx * my;
                    sum += (2 * mx * my + C1) * (2 * vxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                }
            }
            total += sum / ((double) innerH * innerW);
        }
        double ssim = total / channels;
        if (!Double.isFinite(ssim)) {
            throw nonFinite(a, b);
        }
        return ssim;
    }

    /** Cosine similarity a·b / (‖a‖ ‖b‖) of two feature vectors, in [−1, 1]. */
    public static double cosine(float[] a, float[] b) {
        checkSameLength(a, b);
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        if (!Double.isFinite(dot + aa + bb)) {
            throw nonFinite(a, b);
        }
        if (aa == 0 || bb == 0) {
            throw new IllegalArgumentException("cosine similarity of a zero vector is undefined (‖a‖ = "
                    + Math.sqrt(aa) + ", ‖b‖ = " + Math.sqrt(bb) + ")");
        }
        // rounding can carry |cos| a few ulps past 1
        return Math.max(-1, Math.min(1, dot / (Math.sqrt(aa) * Math.sqrt(bb))));
    }

    private static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("arrays differ in length: " + a.length + " vs " + b.length);
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("arrays are empty");
        }
    }

    /** Called once a result came out non-finite: names the first offending input value. */
    private static IllegalArgumentException nonFinite(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return new IllegalArgumentException("a[" + i + "] is " + a[i]);
            }
            if (!Float.isFinite(b[i])) {
                return new IllegalArgumentException("b[" + i + "] is " + b[i]);
            }
        }
        return new IllegalArgumentException("result is not finite although every input is");
    }
}
