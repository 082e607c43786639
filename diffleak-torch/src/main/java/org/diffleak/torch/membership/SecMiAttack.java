package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.ForwardProcess;

/**
 * SecMI's t-error (Duan et al. 2023): invert x₀ deterministically to x̃_t by DDIM with stride k; take one
 * deterministic step forward to t + k and one back to t, giving x̂_t; score = −‖x̃_t − x̂_t‖². Members,
 * which the model fits better, come back closer. Deterministic.
 */
public final class SecMiAttack extends GrayBoxAttack {

    private final int t;
    private final int stride;

    public SecMiAttack(int t, int stride, int batch) {
        super(batch);
        if (stride < 1 || t < stride || t % stride != 0) {
            throw new IllegalArgumentException("SecMI needs a stride k ≥ 1 dividing t, got t=" + t + ", k=" + stride);
        }
        this.t = t;
        this.stride = stride;
    }

    /** ARCHITECTURE.md's defaults: t = 100, k = 10. */
    public static SecMiAttack secmi(int batch) {
        return new SecMiAttack(100, 10, batch);
    }

    @Override
    public String name() {
        return "SecMI(t=" + t + ",k=" + stride + ")";
    }

    @Override
    float[] scoreBatch(Denoiser target, NDArray x0, int first) {
        NoiseSchedule s = target.schedule();
        long n = x0.getShape().get(0);
        int[] asc = new int[t / stride];
        for (int i = 0; i < asc.length; i++) {
            asc[i] = (i + 1) * stride;
        }
        NDArray xt = DdimSampler.invert(target, x0, asc, null, ProgressListener.NONE);
        // one deterministic step t → t+k, with ε̂ = ε_θ(x̃_t, t)
        NDArray epsT = target.predictNoise(xt, timesteps(x0.getManager(), n, t), null);
        NDArray up = ForwardProcess.noised(s, ForwardProcess.predictX0(s, xt, epsT, t), epsT, t + stride);
        // and back t+k → t, with ε̂ = ε_θ(x̃_{t+k}, t+k)
        NDArray epsUp = target.predictNoise(up, timesteps(x0.getManager(), n, t + stride), null);
        NDArray back = ForwardProcess.noised(s, ForwardProcess.predictX0(s, up, epsUp, t + stride), epsUp, t);
        return perImagePowerSum(xt.sub(back), 2).neg().toFloatArray();
    }
}
