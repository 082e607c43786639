package org.diffleak.torch.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import org.diffleak.core.schedule.NoiseSchedule;

/**
 * Classifier guidance through the predicted noise (Dhariwal &amp; Nichol 2021, eq. 14):
 * ε̂ = ε_θ(x_t, t) − s·√(1−ᾱ_t)·∇_{x_t} log p(y | x_t), i.e. the score ∇ log p(x_t) = −ε/√(1−ᾱ_t) gains
 * s·∇ log p(y | x_t). DDIM then stays deterministic per seed; in DDPM the guided x̂₀ shifts the posterior
 * mean by (β_t/√α_t)·s·∇ log p(y | x_t), the mean shift s·Σ∇ of their eq. 10 with Σ ≈ β_t.
 */
public final class ClassifierGuidance {

    private ClassifierGuidance() {}

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
        return eps.sub(gradient.mul(scale * schedule.sqrtOneMinusAlphaBar(t)));
    }
}
