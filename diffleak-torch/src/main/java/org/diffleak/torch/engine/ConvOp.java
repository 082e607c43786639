package org.diffleak.torch.engine;

import ai.djl.ndarray.NDArray;

/** A 2-D convolution with zero padding k/2: y = W ⋆ x + b, stride 1 or 2; b may be null. */
@FunctionalInterface
public interface ConvOp {

    NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride);
}
