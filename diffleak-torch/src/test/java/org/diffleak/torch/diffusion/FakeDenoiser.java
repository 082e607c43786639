package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import java.util.function.BiFunction;
import org.diffleak.core.diffusion.NoiseSchedule;

/** A denoiser given by a formula of (x_t, t), for tests; every row of a batch shares t. */
public final class FakeDenoiser implements Denoiser {

    private final NoiseSchedule schedule;
    private final int imageSize;
    private final BiFunction<NDArray, Integer, NDArray> f;

    FakeDenoiser(BiFunction<NDArray, Integer, NDArray> f) {
        this(NoiseSchedule.defaultLinear(), f);
    }

    FakeDenoiser(NoiseSchedule schedule, BiFunction<NDArray, Integer, NDArray> f) {
        this(schedule, 4, f);
    }

    /** One-channel images of side imageSize. */
    public FakeDenoiser(NoiseSchedule schedule, int imageSize, BiFunction<NDArray, Integer, NDArray> f) {
        this.schedule = schedule;
        this.imageSize = imageSize;
        this.f = f;
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        return f.apply(xt, (int) t.toLongArray()[0]);
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }
}
