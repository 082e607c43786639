package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import org.diffleak.core.diffusion.NoiseSchedule;

/** A denoiser that passes everything to another one; wrappers override what they change. */
public abstract class ForwardingDenoiser implements Denoiser {

    protected final Denoiser inner;

    protected ForwardingDenoiser(Denoiser inner) {
        this.inner = inner;
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        return inner.predictNoise(xt, t, labels);
    }

    @Override
    public NoiseSchedule schedule() {
        return inner.schedule();
    }

    @Override
    public int channels() {
        return inner.channels();
    }

    @Override
    public int imageSize() {
        return inner.imageSize();
    }

    @Override
    public int numClasses() {
        return inner.numClasses();
    }
}
