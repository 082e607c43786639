package org.diffleak.core.inversion;

/**
 * Adam (Kingma &amp; Ba 2015) on a flat vector held on the heap, the one optimizer of the engine-free code (the
 * attacks that optimise an image or a latent, and the small plain-Java networks of the inference package):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², x ← x − lr m̂/(√v̂ + ε), m̂ = m/(1−β₁^k), v̂ = v/(1−β₂^k), with
 * β₁ 0.9, β₂ 0.999, ε 10⁻⁸. Moments are float64; deterministic: plain double arithmetic in index order.
 * Tensor weights use the engine's {@code org.diffleak.torch.train.AdamW} instead.
 */
public final class Adam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double[] m;
    private final double[] v;
    private long updates;
    private double bc1;
    private double bc2;

    public Adam(int size) {
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One update of x in place with gradient g; a gradient with a NaN or infinite entry is skipped (false). */
    public boolean step(float[] x, float[] g, double lr) {
        checkSizes(x.length, g.length);
        for (float v : g) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        nextUpdate();
        for (int i = 0; i < x.length; i++) {
            x[i] -= (float) delta(i, g[i], lr);
        }
        return true;
    }

    /** One update of w in place with gradient g. */
    public void step(double[] w, double[] g, double lr) {
        checkSizes(w.length, g.length);
        nextUpdate();
        for (int i = 0; i < w.length; i++) {
            w[i] -= delta(i, g[i], lr);
        }
    }

    private void checkSizes(int x, int g) {
        if (x != m.length || g != m.length) {
            throw new IllegalArgumentException("Adam sized for " + m.length + " values, got " + x + " and " + g);
        }
    }

    private void nextUpdate() {
        updates++;
        bc1 = 1 - Math.pow(BETA1, updates);
        bc2 = 1 - Math.pow(BETA2, updates);
    }

    /** Moves the moments of coordinate i by gradient g and returns its step lr m̂/(√v̂ + ε). */
    private double delta(int i, double g, double lr) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g;
        v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
        return lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + EPS);
    }
}
