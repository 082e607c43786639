package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;

/** The owner's check of finished samples: whether each has the property. */
@FunctionalInterface
public interface PropertyCheck {

    /** @param x0 samples [N, C, H, W] in the [−1, 1] data scale */
    boolean[] has(NDArray x0);
}
