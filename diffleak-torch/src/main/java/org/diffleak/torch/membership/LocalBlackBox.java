package org.diffleak.torch.membership;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.membership.blackbox.BlackBoxTarget;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.core.util.Seeds;
import org.diffleak.torch.diffusion.DdimSampler;
import org.diffleak.torch.diffusion.Denoiser;
import org.diffleak.torch.diffusion.ForwardProcess;
import org.diffleak.torch.engine.Scalar;
import org.diffleak.torch.runtime.TorchRuntime;

/**
 * A local model behind the query-only interface: img2img and generation with deterministic DDIM (η = 0),
 * the only randomness being each image's starting noise drawn from its own seed. The denoiser is borrowed,
 * never owned. Each call runs in its own NDManager, so memory stays flat over any number of queries.
 */
public final class LocalBlackBox implements BlackBoxTarget {

    private final Denoiser denoiser;
    private final int pixels;
    private long queries;

    public LocalBlackBox(Denoiser denoiser) {
        this.denoiser = denoiser;
        this.pixels = denoiser.channels() * denoiser.imageSize() * denoiser.imageSize();
    }

    @Override
    public int channels() {
        return denoiser.channels();
    }

    @Override
    public int imageSize() {
        return denoiser.imageSize();
    }

    @Override
    public int numClasses() {
        return denoiser.numClasses();
    }

    /** t = round(s·T), clamped to [1, T−1]. */
    public static int timestep(NoiseSchedule schedule, double strength) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        }
        return (int) Math.max(1, Math.min(schedule.steps() - 1, Math.round(strength * schedule.steps())));
    }

    @Override
    public float[] denoise(float[] images, int[] labels, double strength, int steps, long[] seeds) {
        int n = count(images.length, seeds, labels);
        NoiseSchedule s = denoiser.schedule();
        int t = timestep(s, strength);
        DdimSampler sampler = DdimSampler.startingAt(s, t, Math.min(steps, t + 1), 0, true);
        try (NDManager m = TorchRuntime.newManager()) {
            float[] scaled = new float[images.length];
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = 2f * images[i] - 1f;
            }
            NDArray x0 = m.create(scaled, shape(n));
            NDArray xt = ForwardProcess.noised(s, x0, m.create(noise(seeds), shape(n)), t);
            return run(sampler, xt, labels, n);
        }
    }

    @Override
    public float[] generate(int[] labels, int steps, long[] seeds) {
        int n = seeds.length;
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " seeds");
        }
        DdimSampler sampler = DdimSampler.of(denoiser.schedule(), steps, 0, true);
        try (NDManager m = TorchRuntime.newManager()) {
            return run(sampler, m.create(noise(seeds), shape(n)), labels, n);
        }
    }

    @Override
    public long queries() {
        return queries;
    }

    private float[] run(DdimSampler sampler, NDArray xt, int[] labels, int n) {
        NDManager m = xt.getManager();
        NDArray y = labels == null || denoiser.numClasses() == 0 ? null
                : m.create(toLong(labels)).toType(DataType.INT64, false);
        // η = 0: the generator is never drawn from.
        NDArray x0 = sampler.sample(denoiser, xt, y, new SplittableRandom(0), ProgressListener.NONE);
        float[] out = Scalar.mul(Scalar.add(x0.clip(-1f, 1f), 1), 0.5).toFloatArray();
        queries += n;
        return out;
    }

    private int count(int length, long[] seeds, int[] labels) {
        if (length % pixels != 0 || length / pixels != seeds.length) {
            throw new IllegalArgumentException(length + " pixel values do not make " + seeds.length + " images of "
                    + channels() + "x" + imageSize() + "x" + imageSize());
        }
        if (labels != null && labels.length != seeds.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + seeds.length + " images");
        }
        return seeds.length;
    }

    private float[] noise(long[] seeds) {
        float[] v = new float[seeds.length * pixels];
        float[] one = new float[pixels];
        for (int i = 0; i < seeds.length; i++) {
            Seeds.gaussian(new SplittableRandom(seeds[i]), one);
            System.arraycopy(one, 0, v, i * pixels, pixels);
        }
        return v;
    }

    private Shape shape(int n) {
        return new Shape(n, channels(), imageSize(), imageSize());
    }

    private static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
