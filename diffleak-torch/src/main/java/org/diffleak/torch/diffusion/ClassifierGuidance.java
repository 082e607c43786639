package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.torch.engine.Scalar;

/**
 * Classifier guidance through the predicted noise, in two modes.
 * <ul>
 * <li>{@link Mode#NOISY} (Dhariwal &amp; Nichol 2021, eq. 14): ε̂ = ε_θ(x_t, t) − s·√(1−ᾱ_t)·∇_{x_t} log p(y | x_t, t),
 * i.e. the score ∇ log p(x_t) = −ε/√(1−ᾱ_t) gains s·∇ log p(y | x_t, t). In DDPM the guided x̂₀ shifts the
 * posterior mean by (β_t/√α_t)·s·∇ log p(y | x_t), the mean shift s·Σ∇ of their eq. 10 with Σ ≈ β_t.</li>
 * <li>{@link Mode#PREDICTED_X0}: the classifier judges the predicted clean image x̂₀ = (x_t − √(1−ᾱ_t) ε)/√ᾱ_t
 * at t = 0, and ε̂ = ε − s·√(ᾱ_t/(1−ᾱ_t))·∇_{x̂₀} log p(y | x̂₀, 0), which moves x̂₀ by exactly
 * s·∇_{x̂₀} log p(y | x̂₀, 0) at every step (ε_θ held fixed: no backward pass through the denoiser).</li>
 * </ul>
 * Either way DDIM (η = 0) stays deterministic per seed.
 */
public final class ClassifierGuidance {

    /** What the classifier sees. */
    public enum Mode { NOISY, PREDICTED_X0 }

    private ClassifierGuidance() {}

    /** ε̂ for one step at timestep t shared by the batch, in the given mode. */
    public static NDArray guide(Mode mode, NoisyClassifier classifier, NoiseSchedule schedule, NDArray xt,
            NDArray eps, int t, NDArray targets, double scale) {
        long n = xt.getShape().get(0);
        if (mode == Mode.NOISY) {
            NDArray tt = xt.getManager().full(new Shape(n), t, DataType.INT64);
            return guidedNoise(schedule, eps, logProbGradient(classifier, xt, tt, targets), t, scale);
        }
        NDArray x0 = ForwardProcess.predictX0(schedule, xt, eps, t);
        NDArray zero = xt.getManager().zeros(new Shape(n), DataType.INT64);
        NDArray g = logProbGradient(classifier, x0, zero, targets);
        return eps.sub(Scalar.mul(g, scale * schedule.sqrtAlphaBar(t) / schedule.sqrtOneMinusAlphaBar(t)));
    }

    /**
     * ∇_{x_t} Σ_i log softmax(f(x_t, t))_i[y_i], in xt's manager; row i is ∇ log p(y_i | x_t,i) since
     * samples do not interact.
     *
     * @param targets the class y_i of each sample [N], int64
     */
    public static NDArray logProbGradient(NoisyClassifier classifier, NDArray xt, NDArray t, NDArray targets) {
        NDArray x = xt.duplicate();
        x.setRequiresGradient(true);
        int classes;
        try (GradientCollector gc = xt.getManager().getEngine().newGradientCollector()) {
            NDArray logits = classifier.logits(x, t);
            classes = Math.toIntExact(logits.getShape().get(1));
            NDArray logp = logits.logSoftmax(1).mul(targets.oneHot(classes)).sum();
            gc.backward(logp);
        }
        return x.getGradient().duplicate();
    }

    /** ε̂ = ε − s·√(1−ᾱ_t)·∇ log p(y | x_t) for one timestep t shared by the batch. */
    public static NDArray guidedNoise(NoiseSchedule schedule, NDArray eps, NDArray gradient, int t, double scale) {
        return eps.sub(Scalar.mul(gradient, scale * schedule.sqrtOneMinusAlphaBar(t)));
    }
}
