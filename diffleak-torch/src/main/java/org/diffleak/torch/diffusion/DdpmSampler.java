package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.ReverseStep;
import org.diffleak.torch.engine.Scalar;

/**
 * Ancestral DDPM sampling (Ho et al. 2020, eq. 7): x_{t−1} = μ̃_t(x_t, x̂₀) + σ_t z with
 * μ̃_t = β_t √ᾱ_{t−1}/(1−ᾱ_t) · x̂₀ + (1−ᾱ_{t−1}) √α_t/(1−ᾱ_t) · x_t, σ_t² = β̃_t, and z = 0 at t = 0.
 */
public final class DdpmSampler implements Sampler {

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final boolean clipX0;

    /** All steps from tStart down to 0 (tStart = T−1 samples from pure noise). */
    public DdpmSampler(NoiseSchedule schedule, int tStart, boolean clipX0) {
        if (tStart < 0 || tStart >= schedule.steps()) {
            throw new IllegalArgumentException("DDPM start step must be in 0.." + (schedule.steps() - 1));
        }
        this.schedule = schedule;
        this.clipX0 = clipX0;
        this.timesteps = new int[tStart + 1];
        for (int i = 0; i <= tStart; i++) {
            timesteps[i] = tStart - i;
        }
    }

    public DdpmSampler(NoiseSchedule schedule) {
        this(schedule, schedule.steps() - 1, true);
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public StepResult step(NDArray eps, int i, NDArray xt, SplittableRandom rng) {
        int t = timesteps[i];
        NDArray x0 = ForwardProcess.predictX0(schedule, xt, eps, t);
        if (clipX0) {
            x0 = x0.clip(-1f, 1f);
        }
        ReverseStep.PosteriorMean c = ReverseStep.posteriorMean(schedule, t);
        NDArray mean = Scalar.mul(x0, c.x0()).add(Scalar.mul(xt, c.xt()));
        if (t == 0) {
            return new StepResult(mean, x0);
        }
        NDArray z = Noise.gaussian(xt.getManager(), xt.getShape(), rng);
        return new StepResult(mean.add(Scalar.mul(z, Math.sqrt(schedule.posteriorVariance(t)))), x0);
    }
}
