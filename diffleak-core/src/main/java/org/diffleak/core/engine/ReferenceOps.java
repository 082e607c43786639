package org.diffleak.core.engine;

/**
 * Float64 reference maths for the engine's known-answer check, in plain loops with no tensor engine: the
 * ops the project's networks are made of. Arrays are row-major (NCHW for images). Convolutions use
 * zero padding k/2, as every convolution in the project does.
 */
public final class ReferenceOps {

    private ReferenceOps() {}

    /** Output side length of a convolution with padding k/2. */
    public static int outSize(int in, int k, int stride) {
        return (in + 2 * (k / 2) - k) / stride + 1;
    }

    /** y[n,o,i,j] = b[o] + Σ_{c,dy,dx} w[o,c,dy,dx] · x[n,c,i·s+dy−p, j·s+dx−p]. */
    public static double[] conv2d(double[] x, double[] w, double[] b, int n, int cin, int h, int cout, int k,
            int stride) {
        int ho = outSize(h, k, stride);
        double[] y = new double[n * cout * ho * ho];
        forEachTap(n, cin, h, cout, k, stride, (yi, xi, wi) -> y[yi] += w[wi] * x[xi]);
        for (int i = 0; i < y.length; i++) {
            y[i] += b[(i / (ho * ho)) % cout];
        }
        return y;
    }

    /** ∂L/∂x for the output gradient g: the transpose of {@link #conv2d}'s map from x to y. */
    public static double[] conv2dInputGradient(double[] g, double[] w, int n, int cin, int h, int cout, int k,
            int stride) {
        double[] dx = new double[n * cin * h * h];
        forEachTap(n, cin, h, cout, k, stride, (yi, xi, wi) -> dx[xi] += w[wi] * g[yi]);
        return dx;
    }

    /** ∂L/∂w for the output gradient g, summed over the batch. */
    public static double[] conv2dWeightGradient(double[] g, double[] x, int n, int cin, int h, int cout, int k,
            int stride) {
        double[] dw = new double[cout * cin * k * k];
        forEachTap(n, cin, h, cout, k, stride, (yi, xi, wi) -> dw[wi] += g[yi] * x[xi]);
        return dw;
    }

    private interface Tap {
        void apply(int yIndex, int xIndex, int wIndex);
    }

    /** Visits every (output, input, weight) index triple of the convolution that lies inside the image. */
    private static void forEachTap(int n, int cin, int h, int cout, int k, int stride, Tap tap) {
        int ho = outSize(h, k, stride);
        int p = k / 2;
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < ho; j++) {
                        int yi = ((s * cout + o) * ho + i) * ho + j;
                        for (int c = 0; c < cin; c++) {
                            for (int dy = 0; dy < k; dy++) {
                                int r = i * stride + dy - p;
                                if (r < 0 || r >= h) {
                                    continue;
                                }
                                for (int dx = 0; dx < k; dx++) {
                                    int q = j * stride + dx - p;
                                    if (q >= 0 && q < h) {
                                        tap.apply(yi, ((s * cin + c) * h + r) * h + q, ((o * cin + c) * k + dy) * k + dx);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** y = x Wᵀ + b for x [n, in], W [out, in]. */
    public static double[] linear(double[] x, double[] w, double[] b, int n, int in, int out) {
        double[] y = new double[n * out];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int i = 0; i < in; i++) {
                    acc += x[s * in + i] * w[o * in + i];
                }
                y[s * out + o] = acc;
            }
        }
        return y;
    }

    /**
     * Single-head attention as the UNet computes it, per batch element: q, k, v [n, c, m] (m positions),
     * A = softmax_j(qᵢᵀkⱼ/√c), out[:, i] = Σ_j A_ij v[:, j]; returns out [n, c, m].
     */
    public static double[] attention(double[] q, double[] k, double[] v, int n, int c, int m) {
        double[] out = new double[n * c * m];
        double scale = 1 / Math.sqrt(c);
        double[] a = new double[m];
        for (int s = 0; s < n; s++) {
            int base = s * c * m;
            for (int i = 0; i < m; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    double dot = 0;
                    for (int d = 0; d < c; d++) {
                        dot += q[base + d * m + i] * k[base + d * m + j];
                    }
                    a[j] = dot * scale;
                    max = Math.max(max, a[j]);
                }
                double z = 0;
                for (int j = 0; j < m; j++) {
                    a[j] = Math.exp(a[j] - max);
                    z += a[j];
                }
                for (int d = 0; d < c; d++) {
                    double acc = 0;
                    for (int j = 0; j < m; j++) {
                        acc += a[j] * v[base + d * m + j];
                    }
                    out[base + d * m + i] = acc / z;
                }
            }
        }
        return out;
    }

    /**
     * GroupNorm (Wu &amp; He 2018) of x [n, c, positions]: each of the g groups of c/g channels is normalised by
     * its own mean and (biased) variance, then y = γ_c x̂ + β_c.
     */
    public static double[] groupNorm(double[] x, double[] gamma, double[] beta, int n, int c, int positions,
            int groups, double eps) {
        double[] y = new double[x.length];
        int size = c / groups * positions;
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups; g++) {
                int start = (s * groups + g) * size;
                double mean = 0;
                for (int i = 0; i < size; i++) {
                    mean += x[start + i];
                }
                mean /= size;
                double var = 0;
                for (int i = 0; i < size; i++) {
                    var += (x[start + i] - mean) * (x[start + i] - mean);
                }
                double inv = 1 / Math.sqrt(var / size + eps);
                for (int i = 0; i < size; i++) {
                    int ch = (start + i) / positions % c;
                    y[start + i] = gamma[ch] * (x[start + i] - mean) * inv + beta[ch];
                }
            }
        }
        return y;
    }

    /**
     * The largest absolute error relative to the largest reference entry: max|got − ref| / max|ref|;
     * +∞ when any entry of got is NaN or infinite, so that a non-finite result never passes.
     */
    public static double relativeError(float[] got, double[] ref) {
        if (got.length != ref.length) {
            throw new IllegalArgumentException("sizes differ: " + got.length + " vs " + ref.length);
        }
        double err = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            err = Math.max(err, Math.abs(got[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return err / Math.max(scale, Double.MIN_NORMAL);
    }
}
