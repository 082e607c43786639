package org.diffleak.core.reconstruction;

/** The observation itself, clamped to the public pixel range [−1, 1]: the adversary without any prior. */
public final class NaiveReconstruction {

    private NaiveReconstruction() {}

    public static float[] reconstruct(Observation o) {
        float[] out = new float[o.y().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, o.y()[i]));
        }
        return out;
    }
}
