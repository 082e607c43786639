package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;

/** One reverse step's output (as diffusers' scheduler step): the previous sample and the predicted x̂₀. */
public record StepResult(NDArray prevSample, NDArray predX0) {}
