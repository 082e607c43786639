package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.diffusion.ReverseStep;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.engine.Scalar;

/**
 * DDIM (Song et al. 2021). Step t → t′:
 * x̂₀ = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t;
 * x_{t′} = √ᾱ_{t′} x̂₀ + √(1−ᾱ_{t′} − σ²) ε̂ + σ z, σ = η √((1−ᾱ_{t′})/(1−ᾱ_t)) √(1−ᾱ_t/ᾱ_{t′}).
 * With η = 0 the map is deterministic, and run with t′ &gt; t it is the DDIM inversion.
 */
public final class DdimSampler implements Sampler {

    private final NoiseSchedule schedule;
    private final int[] timesteps;
    private final double eta;
    private final boolean clipX0;

    private DdimSampler(NoiseSchedule schedule, int[] descending, double eta, boolean clipX0) {
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("η must be ≥ 0, got " + eta);
        }
        this.schedule = schedule;
        this.timesteps = descending;
        this.eta = eta;
        this.clipX0 = clipX0;
    }

    /** `steps` evenly spaced steps over the whole schedule, from pure noise. */
    public static DdimSampler of(NoiseSchedule schedule, int steps, double eta, boolean clipX0) {
        int[] asc = schedule.ddimTimesteps(steps);
        return new DdimSampler(schedule, reverse(asc), eta, clipX0);
    }

    /**
     * Denoising from x_t at tStart down to x₀ in `steps` evenly spaced steps (tStart included): the
     * img2img path of reconstruction attacks.
     */
    public static DdimSampler startingAt(NoiseSchedule schedule, int tStart, int steps, double eta, boolean clipX0) {
        return new DdimSampler(schedule, reverse(spaced(tStart, steps)), eta, clipX0);
    }

    /** steps timesteps evenly spaced in [0, tEnd], ascending, ending exactly at tEnd. */
    public static int[] spaced(int tEnd, int steps) {
        if (steps < 1 || tEnd < 0 || steps > tEnd + 1) {
            throw new IllegalArgumentException("need 1 ≤ steps ≤ t+1, got steps=" + steps + ", t=" + tEnd);
        }
        int[] ts = new int[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (int) Math.round((double) tEnd * (i + 1) / steps);
        }
        return ts;
    }

    private static int[] reverse(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    @Override
    public int[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public StepResult step(NDArray eps, int i, NDArray xt, SplittableRandom rng) {
        int t = timesteps[i];
        int tPrev = i + 1 < timesteps.length ? timesteps[i + 1] : -1;
        NDArray x0 = ForwardProcess.predictX0(schedule, xt, eps, t);
        if (clipX0) {
            x0 = x0.clip(-1f, 1f);
        }
        ReverseStep.Ddim c = ReverseStep.ddim(schedule, t, tPrev, eta);
        NDArray prev = Scalar.mul(x0, c.x0()).add(Scalar.mul(eps, c.eps()));
        if (c.sigma() > 0) {
            prev = prev.add(Scalar.mul(Noise.gaussian(xt.getManager(), xt.getShape(), rng), c.sigma()));
        }
        return new StepResult(prev, x0);
    }

    /**
     * Deterministic DDIM inversion x₀ → x_{t_k} along the ascending timesteps t_1 &lt; … &lt; t_k: each
     * step t → t′ applies the η = 0 map with ε̂ = ε_θ(x_t, max(t, 0)), the usual approximation of
     * ε_θ(x_{t′}, t′). Returns x_{t_k} in x0's manager.
     */
    public static NDArray invert(Denoiser denoiser, NDArray x0, int[] ascending, NDArray labels,
            ProgressListener progress) {
        NoiseSchedule s = denoiser.schedule();
        NDManager outer = x0.getManager();
        long n = x0.getShape().get(0);
        NDArray x = x0.duplicate();
        int t = -1;
        progress.start("inversion", ascending.length);
        for (int i = 0; i < ascending.length; i++) {
            int tNext = ascending[i];
            if (tNext <= t) {
                throw new IllegalArgumentException("inversion timesteps must increase: " + Arrays.toString(ascending));
            }
            try (NDManager step = outer.newSubManager()) {
                x.attach(step);
                NDArray eps = denoiser.predictNoise(x, step.full(new Shape(n), Math.max(t, 0), DataType.INT64), labels);
                NDArray next = ForwardProcess.noised(s, ForwardProcess.predictX0(s, x, eps, t), eps, tNext);
                next.attach(outer);
                x = next;
            }
            t = tNext;
            progress.update(i + 1, "t=" + t);
        }
        progress.finish("inverted to t=" + t);
        return x;
    }
}
