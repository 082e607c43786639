package org.diffleak.core.reconstruction;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.diffleak.core.util.Seeds;

/**
 * One DP-SGD step on a batch of one for a model whose first layer is linear: a = Wx + b, h = ReLU(a),
 * logits = Vh + c, cross-entropy on the label. The per-example gradient has ∇W = g xᵀ and ∇b = g with
 * g = ∂L/∂a, so every row of ∇W is g_i x. The whole gradient (W, b, V, c) is clipped to L2 norm C and the
 * first layer's part is released with N(0, σ²C²) noise on each coordinate (the noise on V, c is not needed
 * by the attack and not drawn). Extraction (Phong et al. 2017; Geiping et al. 2020): x̂ = Σ_i b̂_i Ŵ_i / D, the
 * least-squares combination of the rows Ŵ_i / b̂_i, where the clip factor cancels. Without noise D = ‖b̂‖² and
 * x̂ = x exactly; with noise, E‖b̂‖² = ‖∇b‖² + hσ²C², so D = ‖b̂‖² − hσ²C² removes the shrinkage towards 0
 * (errors in variables), floored at σ²C²√(2h), the standard deviation of that estimate. The per-pixel noise
 * std of x̂ is then about σC‖b̂‖ / D. x is in the [−1, 1] data scale.
 */
public final class LinearLayerGradientRelease {

    private final int inputs;
    private final int hidden;
    private final int classes;
    private final float[] w;
    private final float[] v;
    private final double clipNorm;
    private final double noiseMultiplier;

    /** A freshly initialised model (W ~ N(0, 1/d), V ~ N(0, 1/h), zero biases) drawn from rng. */
    public LinearLayerGradientRelease(int inputs, int hidden, int classes, double clipNorm, double noiseMultiplier,
            SplittableRandom rng) {
        if (inputs < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("need inputs ≥ 1, hidden ≥ 1 and classes ≥ 2, got " + inputs + ", "
                    + hidden + ", " + classes);
        }
        if (!(clipNorm > 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clip norm C must be finite and > 0, got " + clipNorm);
        }
        if (!(noiseMultiplier >= 0) || Double.isInfinite(noiseMultiplier)) {
            throw new IllegalArgumentException("noise multiplier σ must be finite and ≥ 0, got " + noiseMultiplier);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        this.clipNorm = clipNorm;
        this.noiseMultiplier = noiseMultiplier;
        w = new float[hidden * inputs];
        v = new float[classes * hidden];
        Seeds.gaussian(rng, w);
        Seeds.gaussian(rng, v);
        scale(w, 1 / Math.sqrt(inputs));
        scale(v, 1 / Math.sqrt(hidden));
    }

    /** The released first-layer gradient: ∇W row-major [hidden × inputs] and ∇b [hidden], clipped and noised. */
    public record Gradient(float[] weight, float[] bias) {}

    public Gradient release(float[] x, int label, RandomGenerator rng) {
        if (x.length != inputs || label < 0 || label >= classes) {
            throw new IllegalArgumentException("expected " + inputs + " inputs and a label in 0.." + (classes - 1));
        }
        double[] a = new double[hidden];
        double[] h = new double[hidden];
        for (int i = 0; i < hidden; i++) {
            double s = 0;
            for (int j = 0; j < inputs; j++) {
                s += (double) w[i * inputs + j] * x[j];
            }
            a[i] = s;
            h[i] = Math.max(0, s);
        }
        double[] logits = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            double s = 0;
            for (int i = 0; i < hidden; i++) {
                s += v[k * hidden + i] * h[i];
            }
            logits[k] = s;
            max = Math.max(max, s);
        }
        double z = 0;
        for (int k = 0; k < classes; k++) {
            logits[k] = Math.exp(logits[k] - max);
            z += logits[k];
        }
        // ∂L/∂logits = softmax − onehot; g = ∂L/∂a = Vᵀ(p − y) ⊙ 1{a > 0}
        double[] dLogits = new double[classes];
        double dLogitsSq = 0;
        for (int k = 0; k < classes; k++) {
            dLogits[k] = logits[k] / z - (k == label ? 1 : 0);
            dLogitsSq += dLogits[k] * dLogits[k];
        }
        double[] g = new double[hidden];
        double gSq = 0;
        double hSq = 0;
        for (int i = 0; i < hidden; i++) {
            double s = 0;
            for (int k = 0; k < classes; k++) {
                s += v[k * hidden + i] * dLogits[k];
            }
            g[i] = a[i] > 0 ? s : 0;
            gSq += g[i] * g[i];
            hSq += h[i] * h[i];
        }
        double xSq = 0;
        for (float xi : x) {
            xSq += (double) xi * xi;
        }
        // ‖∇‖² = ‖g‖²(‖x‖² + 1) + ‖p − y‖²(‖h‖² + 1)
        double norm = Math.sqrt(gSq * (xSq + 1) + dLogitsSq * (hSq + 1));
        double clip = norm > clipNorm ? clipNorm / norm : 1;
        double std = noiseMultiplier * clipNorm;
        float[] weight = new float[hidden * inputs];
        float[] bias = new float[hidden];
        if (std > 0) {
            Seeds.gaussian(rng, weight);
            Seeds.gaussian(rng, bias);
        }
        for (int i = 0; i < hidden; i++) {
            for (int j = 0; j < inputs; j++) {
                weight[i * inputs + j] = (float) (clip * g[i] * x[j] + std * weight[i * inputs + j]);
            }
            bias[i] = (float) (clip * g[i] + std * bias[i]);
        }
        return new Gradient(weight, bias);
    }

    /** The input from a released first-layer gradient: x̂ = Σ_i b̂_i Ŵ_i / D, noise std σC‖b̂‖/D. */
    public Observation extract(Gradient grad) {
        double bSq = 0;
        for (float b : grad.bias()) {
            bSq += (double) b * b;
        }
        if (!(bSq > 0)) {
            throw new IllegalStateException("the bias gradient is zero (every ReLU inactive): nothing to extract");
        }
        double[] acc = new double[inputs];
        for (int i = 0; i < hidden; i++) {
            double b = grad.bias()[i];
            for (int j = 0; j < inputs; j++) {
                acc[j] += b * grad.weight()[i * inputs + j];
            }
        }
        double s2 = noiseMultiplier * noiseMultiplier * clipNorm * clipNorm;
        double denom = Math.max(bSq - hidden * s2, s2 * Math.sqrt(2.0 * hidden));
        float[] y = new float[inputs];
        for (int j = 0; j < inputs; j++) {
            y[j] = (float) (acc[j] / denom);
        }
        return new Observation(y, Math.sqrt(s2 * bSq) / denom);
    }

    private static void scale(float[] a, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (a[i] * s);
        }
    }
}
