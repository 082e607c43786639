package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.diffleak.core.util.ProgressListener;
import org.diffleak.torch.engine.Scalar;

/**
 * A reverse-process sampler over a descending sequence of timesteps. The denoiser is passed into each
 * call; every random draw comes from the caller's generator.
 */
public interface Sampler {

    /** The timesteps visited, in descending order; step i goes from timesteps()[i] to the next (or to x₀). */
    int[] timesteps();

    /** One reverse step from x_t at timesteps()[i], given ε̂ = ε_θ(x_t, t). */
    StepResult step(NDArray eps, int i, NDArray xt, SplittableRandom rng);

    /**
     * Runs the whole loop from xT (which stays owned by the caller) and returns x₀ in xT's manager. Each
     * step's intermediates live in a sub-manager closed at the end of the step, so memory stays flat.
     */
    default NDArray sample(Denoiser denoiser, NDArray xT, NDArray labels, SplittableRandom rng,
            ProgressListener progress) {
        NDManager outer = xT.getManager();
        int[] ts = timesteps();
        progress.start("sampling", ts.length);
        NDArray x = xT.duplicate();
        long n = xT.getShape().get(0);
        for (int i = 0; i < ts.length; i++) {
            try (NDManager step = outer.newSubManager()) {
                x.attach(step);
                NDArray t = step.full(new Shape(n), ts[i], DataType.INT64);
                NDArray eps = denoiser.predictNoise(x, t, labels);
                NDArray next = step(eps, i, x, rng).prevSample();
                next.attach(outer);
                x = next;
            }
            progress.update(i + 1, "t=" + ts[i]);
        }
        progress.finish("sampled " + n + " images in " + ts.length + " steps");
        return x;
    }

    /** Pixel values in [0, 1] of samples x₀ in the [−1, 1] data scale: clip((x₀ + 1)/2, 0, 1). */
    static float[] toPixels(NDArray x0) {
        return Scalar.div(Scalar.add(x0, 1), 2).clip(0, 1).toFloatArray();
    }
}
