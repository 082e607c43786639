package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;
import org.diffleak.core.util.Seeds;

/** Gaussian noise drawn in Java from an explicit seeded generator, so draws replay on any engine. */
public final class Noise {

    private Noise() {}

    public static NDArray gaussian(NDManager manager, Shape shape, RandomGenerator rng) {
        float[] v = new float[Math.toIntExact(shape.size())];
        Seeds.gaussian(rng, v);
        return manager.create(v, shape);
    }
}
