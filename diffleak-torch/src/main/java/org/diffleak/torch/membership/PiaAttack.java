package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.ForwardProcess;
import org.diffleak.torch.engine.Scalar;

/**
 * PIA, proximal initialisation (Kong et al. 2024): ε₀ = ε_θ(x₀, 0); x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε₀;
 * score = −Σ|ε_θ(x_t, t) − ε₀|^p. PIAN first rescales ε₀ per image to mean |ε₀| = √(2/π), the mean
 * absolute value of a standard normal. Deterministic: no random draw at all.
 */
public final class PiaAttack extends GrayBoxAttack {

    private final int t;
    private final double p;
    private final boolean normalized;

    public PiaAttack(int t, double p, boolean normalized, int batch) {
        super(batch);
        if (!(p > 0)) {
            throw new IllegalArgumentException("PIA's exponent p must be > 0, got " + p);
        }
        this.t = t;
        this.p = p;
        this.normalized = normalized;
    }

    /** PIA with ARCHITECTURE.md's defaults: t = 200, p = 4. */
    public static PiaAttack pia(int batch) {
        return new PiaAttack(200, 4, false, batch);
    }

    public static PiaAttack pian(int batch) {
        return new PiaAttack(200, 4, true, batch);
    }

    @Override
    public String name() {
        return (normalized ? "PIAN" : "PIA") + "(t=" + t + ")";
    }

    @Override
    float[] scoreBatch(Denoiser target, NDArray x0, int first) {
        long n = x0.getShape().get(0);
        NDArray eps0 = target.predictNoise(x0, timesteps(x0.getManager(), n, 0), null);
        if (normalized) {
            NDArray meanAbs = eps0.abs().reshape(n, -1).mean(new int[] {1}).reshape(n, 1, 1, 1);
            eps0 = Scalar.mul(eps0.div(meanAbs), Math.sqrt(2 / Math.PI));
        }
        NDArray xt = ForwardProcess.noised(target.schedule(), x0, eps0, t);
        NDArray eps = target.predictNoise(xt, timesteps(x0.getManager(), n, t), null);
        return perImagePowerSum(eps.sub(eps0), p).neg().toFloatArray();
    }
}
