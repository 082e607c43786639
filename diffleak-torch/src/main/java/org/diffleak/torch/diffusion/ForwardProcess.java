package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.torch.engine.Scalar;

/** The two maps between x₀ and x_t that every sampler and attack uses, for one timestep t. */
public final class ForwardProcess {

    private ForwardProcess() {}

    /** x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε (t = −1 gives x₀). */
    public static NDArray noised(NoiseSchedule s, NDArray x0, NDArray eps, int t) {
        return Scalar.mul(x0, s.sqrtAlphaBar(t)).add(Scalar.mul(eps, s.sqrtOneMinusAlphaBar(t)));
    }

    /** x̂₀ = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t. */
    public static NDArray predictX0(NoiseSchedule s, NDArray xt, NDArray eps, int t) {
        return Scalar.div(xt.sub(Scalar.mul(eps, s.sqrtOneMinusAlphaBar(t))), s.sqrtAlphaBar(t));
    }
}
