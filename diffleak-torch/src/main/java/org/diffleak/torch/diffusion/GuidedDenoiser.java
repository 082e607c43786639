package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.diffleak.torch.engine.Scalar;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022): ε̃ = ε_θ(x_t, ∅) + w (ε_θ(x_t, y) − ε_θ(x_t, ∅)),
 * with both predictions made in one batch. The wrapped denoiser must be class-conditional, its null
 * label being numClasses().
 */
public final class GuidedDenoiser extends ForwardingDenoiser {

    private final double scale;

    public GuidedDenoiser(Denoiser inner, double scale) {
        super(inner);
        if (inner.numClasses() < 1) {
            throw new IllegalArgumentException("classifier-free guidance needs a class-conditional model");
        }
        this.scale = scale;
    }

    @Override
    public NDArray predictNoise(NDArray xt, NDArray t, NDArray labels) {
        if (labels == null) {
            return inner.predictNoise(xt, t, null);
        }
        long n = xt.getShape().get(0);
        NDArray nulls = xt.getManager().full(new Shape(n), inner.numClasses(), DataType.INT64);
        NDArray both = inner.predictNoise(NDArrays.concat(new NDList(xt, xt)), NDArrays.concat(new NDList(t, t)),
                NDArrays.concat(new NDList(labels, nulls)));
        NDArray cond = both.get("0:" + n);
        NDArray uncond = both.get(n + ":");
        return uncond.add(Scalar.mul(cond.sub(uncond), scale));
    }



}
