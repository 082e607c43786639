package org.diffleak.core.inversion;

/**
 * Adam (Kingma &amp; Ba 2015) on a flat float vector held on the heap, for attacks that optimise an image
 * or a latent: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², x ← x − lr m̂/(√v̂ + ε), m̂ = m/(1−β₁^k),
 * v̂ = v/(1−β₂^k). Deterministic: plain double arithmetic in index order.
 */
public final class Adam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double[] m;
    private final double[] v;
    private long updates;

    public Adam(int size) {
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One update of x in place with gradient g; a gradient with a NaN or infinite entry is skipped (false). */
    public boolean step(float[] x, float[] g, double lr) {
        if (x.length != m.length || g.length != m.length) {
            throw new IllegalArgumentException("Adam sized for " + m.length + " values, got " + x.length + " and "
                    + g.length);
        }
        for (float v : g) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        updates++;
        double bc1 = 1 - Math.pow(BETA1, updates);
        double bc2 = 1 - Math.pow(BETA2, updates);
        for (int i = 0; i < x.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * (double) g[i];
            x[i] -= (float) (lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + EPS));
        }
        return true;
    }
}
