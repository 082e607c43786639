package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import org.diffleak.torch.diffusion.Denoiser;

/**
 * SimA, the score-based single-query attack (Rao, Qu and Moyer, "Score-based Membership Inference on Diffusion
 * Models", 2025): the denoiser's output at the clean candidate, ε̂ = ε_θ(x₀, t) at a small t with no noise drawn,
 * points towards a kernel-weighted mean of nearby training samples, so it is small at a training sample. The
 * authors' code (github.com/mx-ethan-rao/SimA, DDPM/components.py, class SimA) scores Σ_pixels |ε̂|⁴, larger =
 * non-member; here score = −Σ|ε̂|⁴ ({@link Statistic#L4}, the default) or the earlier −‖ε̂‖₂ ({@link Statistic#L2}).
 * Their driver then reports the best t of a grid chosen with the membership labels; here t is a setting (the audit
 * presets take t = 10), so no label of the audited model picks it.
 */
public final class SimaAttack extends GrayBoxAttack {

    /** How the one output is reduced to a score. */
    public enum Statistic {
        /** −Σ|ε̂|⁴, the authors' statistic. */
        L4,
        /** −‖ε̂‖₂. */
        L2;

        public static Statistic parse(String s) {
            return switch (s) {
                case "l4" -> L4;
                case "l2" -> L2;
                default -> throw new IllegalArgumentException("SimA's statistic must be l4 or l2, got '" + s + "'");
            };
        }
    }

    private final int t;
    private final Statistic statistic;

    public SimaAttack(int t, int batch, Statistic statistic) {
        super(batch);
        if (t < 0) {
            throw new IllegalArgumentException("SimA's timestep must be ≥ 0, got " + t);
        }
        this.t = t;
        this.statistic = statistic;
    }

    @Override
    public String name() {
        return (statistic == Statistic.L4 ? "SimA" : "SimA-ℓ2") + "(t=" + t + ")";
    }

    @Override
    float[] scoreBatch(Denoiser target, NDArray x0, int first) {
        long n = x0.getShape().get(0);
        NDArray eps = target.predictNoise(x0, timesteps(x0.getManager(), n, t), null);
        NDArray s = statistic == Statistic.L4 ? perImagePowerSum(eps, 4) : perImagePowerSum(eps, 2).sqrt();
        return s.neg().toFloatArray();
    }
}
