package org.diffleak.core.diffusion;

/**
 * The float64 coefficients of one reverse step x_t → x_{t′}, computed once here for every sampler: the image
 * samplers apply them to tensors, the tabular model to each numeric value.
 */
public final class ReverseStep {

    /**
     * DDIM (Song et al. 2021, eq. 12): x_{t′} = x0 · x̂₀ + eps · ε̂ + sigma · z with x0 = √ᾱ_{t′},
     * eps = √(1−ᾱ_{t′}−σ²) and σ = η √((1−ᾱ_{t′})/(1−ᾱ_t)) √(1−ᾱ_t/ᾱ_{t′}).
     */
    public record Ddim(double x0, double eps, double sigma) {}

    /**
     * The DDPM posterior mean (Ho et al. 2020, eq. 7): μ̃_t = x0 · x̂₀ + xt · x_t with
     * x0 = β_t √ᾱ_{t−1}/(1−ᾱ_t) and xt = (1−ᾱ_{t−1}) √α_t/(1−ᾱ_t).
     */
    public record PosteriorMean(double x0, double xt) {}

    private ReverseStep() {}

    /** The DDIM step t → tPrev (tPrev = −1: to the clean sample, ᾱ_{−1} = 1); η = 0 is deterministic. */
    public static Ddim ddim(NoiseSchedule s, int t, int tPrev, double eta) {
        double abPrev = s.alphaBar(tPrev);
        double sigma = eta == 0 ? 0 : eta * Math.sqrt((1 - abPrev) / (1 - s.alphaBar(t)))
                * Math.sqrt(1 - s.alphaBar(t) / abPrev);
        return new Ddim(Math.sqrt(abPrev), Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma)), sigma);
    }

    /** The posterior mean's coefficients of the ancestral step t → t−1. */
    public static PosteriorMean posteriorMean(NoiseSchedule s, int t) {
        double ab = s.alphaBar(t);
        double abPrev = s.alphaBar(t - 1);
        double beta = s.beta(t);
        return new PosteriorMean(beta * Math.sqrt(abPrev) / (1 - ab), (1 - abPrev) * Math.sqrt(1 - beta) / (1 - ab));
    }
}
