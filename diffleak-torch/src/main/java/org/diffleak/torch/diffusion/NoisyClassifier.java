package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A classifier of noisy images p(y | x_t): what classifier guidance differentiates. Implementations must
 * build logits from differentiable operations on x_t, so autograd reaches x_t.
 */
public interface NoisyClassifier {

    /**
     * @param xt [N, C, H, W] in the [−1, 1] data scale
     * @param t timesteps [N], int64
     * @return logits [N, classes]
     */
    NDArray logits(NDArray xt, NDArray t);
}
