package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.torch.nn.Params;
import org.diffleak.torch.nn.UNet;

/** A local UNet with given weights (trained, or their EMA) as a {@link Denoiser}. */
public final class UNetDenoiser implements Denoiser {

    private final UNet unet;
    private final Params params;
    private final NoiseSchedule schedule;

    public UNetDenoiser(UNet unet, Params params, NoiseSchedule schedule) {
        this.unet = unet;
        this.params = params;
        this.schedule = schedule;
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        return unet.forward(params, xt, t, labels);
    }

    @Override
    public NoiseSchedule schedule() {
        return schedule;
    }

    @Override
    public int channels() {
        return unet.config().channels();
    }

    @Override
    public int imageSize() {
        return unet.config().imageSize();
    }

    @Override
    public int numClasses() {
        return unet.config().numClasses();
    }

    public UNet unet() {
        return unet;
    }

    public Params params() {
        return params;
    }
}
