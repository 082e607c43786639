package org.diffleak.torch.attack;

import ai.djl.ndarray.NDArray;
import org.diffleak.torch.diffusion.Denoiser;

/**
 * SimA, the score-based single-query attack (Rao, Qu and Moyer, "Score-based Membership Inference on Diffusion
 * Models", 2025): the denoiser's output at the clean candidate, ε_θ(x₀, t) at a small t, points towards a
 * kernel-weighted mean of nearby training samples, so its norm is small at a training sample. Score =
 * −‖ε_θ(x₀, t)‖₂: one query per candidate, no noise drawn.
 */
public final class SimaAttack extends GrayBoxAttack {

    private final int t;

    public SimaAttack(int t, int batch) {
        super(batch);
        if (t < 0) {
            throw new IllegalArgumentException("SimA's timestep must be ≥ 0, got " + t);
        }
        this.t = t;
    }

    @Override
    public String name() {
        return "SimA(t=" + t + ")";
    }

    @Override
    float[] scoreBatch(Denoiser target, NDArray x0, int first) {
        long n = x0.getShape().get(0);
        NDArray eps = target.predictNoise(x0, timesteps(x0.getManager(), n, t), null);
        return perImagePowerSum(eps, 2).sqrt().neg().toFloatArray();
    }
}
