package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import org.diffleak.core.diffusion.NoiseSchedule;

/**
 * Gray-box access to a diffusion model: the noise prediction ε_θ(x_t, t[, y]). Samplers and attacks
 * take one as an argument and never own it. Results are attached to x_t's manager.
 */
public interface Denoiser {

    /**
     * @param xt noisy images [N, C, H, W], float32, in the [−1, 1] data scale
     * @param t timesteps [N], int64
     * @param labels class labels [N], int64, or null for unconditional prediction
     * @return ε̂ of xt's shape
     */
    NDArray predictNoise(NDArray xt, NDArray t, NDArray labels);

    /** The schedule the model was trained with. */
    NoiseSchedule schedule();

    int channels();

    int imageSize();

    /** Conditioning classes (0 = unconditional). */
    default int numClasses() {
        return 0;
    }
}
