package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.ForwardProcess;
import org.diffleak.torch.diffusion.Noise;
import org.diffleak.torch.engine.Scalar;

/**
 * The loss attack (Yeom et al. 2018, on diffusion models as in Matsumoto et al. 2023): score =
 * −(1/R) Σ_r ‖ε_θ(x_t, t) − ε_r‖², x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε_r, with ε_r fixed per image and repetition.
 */
public final class LossAttack extends GrayBoxAttack {

    private final int t;
    private final int repetitions;
    private final Seeds seeds;

    public LossAttack(int t, int repetitions, long seed, int batch) {
        super(batch);
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be ≥ 1, got " + repetitions);
        }
        this.t = t;
        this.repetitions = repetitions;
        this.seeds = Seeds.of(seed).child("loss-attack");
    }

    @Override
    public String name() {
        return "loss(t=" + t + ")";
    }

    @Override
    float[] scoreBatch(Denoiser target, NDArray x0, int first) {
        long n = x0.getShape().get(0);
        NDArray total = null;
        for (int r = 0; r < repetitions; r++) {
            NDList eps = new NDList();
            for (int i = 0; i < n; i++) {
                eps.add(Noise.gaussian(x0.getManager(), new Shape(1).addAll(x0.getShape().slice(1)),
                        seeds.child(r).child(first + i).random()));
            }
            NDArray e = NDArrays.concat(eps, 0);
            NDArray xt = ForwardProcess.noised(target.schedule(), x0, e, t);
            NDArray err = perImagePowerSum(target.predictNoise(xt, timesteps(x0.getManager(), n, t), null).sub(e), 2);
            total = total == null ? err : total.add(err);
        }
        return Scalar.div(total, -repetitions).toFloatArray();
    }
}
