package org.diffleak.core.reconstruction;

/**
 * Linear MMSE (Wiener) estimate under a per-pixel Gaussian prior x_j ~ N(m_j, v_j) from auxiliary data:
 * x̂_j = m_j + v_j / (v_j + σ_eff²) · (y_j − m_j).
 */
public final class WienerReconstruction {

    private final PixelStatistics prior;

    public WienerReconstruction(PixelStatistics prior) {
        this.prior = prior;
    }

    public float[] reconstruct(Observation o) {
        float[] m = prior.mean();
        float[] v = prior.variance();
        if (o.y().length != m.length) {
            throw new IllegalArgumentException("observation has " + o.y().length + " values, the prior " + m.length);
        }
        double s2 = o.noiseStd() * o.noiseStd();
        float[] out = new float[m.length];
        for (int j = 0; j < m.length; j++) {
            double gain = v[j] + s2 > 0 ? v[j] / (v[j] + s2) : 1;
            out[j] = (float) (m[j] + gain * (o.y()[j] - m[j]));
        }
        return out;
    }
}
