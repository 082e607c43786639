package org.diffleak.core.table;

import java.util.Arrays;
import org.diffleak.core.diffusion.NoiseSchedule;

/**
 * Multinomial diffusion of one categorical column with K levels (Hoogeboom et al. 2021), in float64, as
 * TabDDPM's {@code GaussianMultinomialDiffusion} runs it, with TabDDPM's timestep indexing (t = 0 is one
 * step of noise; ᾱ_{−1} = 1):
 * q(x_t | x₀) = Cat(ᾱ_t x₀ + (1 − ᾱ_t)/K), q(x_t | x_{t−1}) = Cat(α_t x_{t−1} + (1 − α_t)/K), and the posterior
 * q(x_{t−1} | x_t, x₀) ∝ (ᾱ_{t−1} x₀ + (1 − ᾱ_{t−1})/K) ⊙ (α_t x_t + (1 − α_t)/K), which at t = 0 is
 * ∝ x₀ ⊙ (α_0 x_t + (1 − α_0)/K). The model's p(x_{t−1} | x_t) is this posterior with x₀ replaced by its
 * predicted distribution. These are the references the float32 training loss is checked against, and the
 * sampler's own arithmetic.
 */
public final class MultinomialDiffusion {

    private MultinomialDiffusion() {}

    /** q(x_t | x₀) for a distribution x₀ over K levels. */
    public static double[] marginal(double[] x0, int t, NoiseSchedule s) {
        int k = x0.length;
        double ab = s.alphaBar(t);
        double[] q = new double[k];
        for (int i = 0; i < k; i++) {
            q[i] = ab * x0[i] + (1 - ab) / k;
        }
        return q;
    }

    /** q(x_{t−1} | x_t = level xt, x₀), x₀ a distribution (a one-hot for the true posterior). */
    public static double[] posterior(double[] x0, int xt, int t, NoiseSchedule s) {
        int k = x0.length;
        double abPrev = s.alphaBar(t - 1);
        double alpha = 1 - s.beta(t);
        double[] q = new double[k];
        double z = 0;
        for (int i = 0; i < k; i++) {
            double prior = abPrev * x0[i] + (1 - abPrev) / k;
            double step = alpha * (i == xt ? 1 : 0) + (1 - alpha) / k;
            q[i] = prior * step;
            z += q[i];
        }
        for (int i = 0; i < k; i++) {
            q[i] /= z;
        }
        return q;
    }

    /** KL(q ‖ p) = Σ q_k log(q_k/p_k), terms with q_k = 0 dropped. */
    public static double kl(double[] q, double[] p) {
        double s = 0;
        for (int i = 0; i < q.length; i++) {
            if (q[i] > 0) {
                s += q[i] * (Math.log(q[i]) - Math.log(p[i]));
            }
        }
        return s;
    }

    /** softmax(logits), shifted by the maximum. */
    public static double[] softmax(double[] logits) {
        double m = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            m = Math.max(m, l);
        }
        double[] p = new double[logits.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] - m);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }

    /** The level whose cumulative probability first exceeds u ∈ [0, 1) (inverse-cdf draw). */
    public static int draw(double[] p, double u) {
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            if (u < c) {
                return i;
            }
        }
        return p.length - 1;
    }

    /**
     * The loss term of one row at step t, as TabDDPM's compute_Lt: KL(q(x_{t−1}|x_t,x₀) ‖ p(x_{t−1}|x_t)) for
     * t ≥ 1, the decoder's −log p(x₀ | x_t) at t = 0; x₀ the true level, logits the model's x₀ prediction.
     */
    public static double lossTerm(double[] logits, int x0, int xt, int t, NoiseSchedule s) {
        double[] p = posterior(softmax(logits), xt, t, s);
        if (t == 0) {
            return -Math.log(p[x0]);
        }
        double[] onehot = new double[logits.length];
        onehot[x0] = 1;
        return kl(posterior(onehot, xt, t, s), p);
    }

    /** KL(q(x_{T−1} | x₀) ‖ uniform), TabDDPM's kl_prior (constant in the weights). */
    public static double priorKl(int x0, int k, NoiseSchedule s) {
        double[] onehot = new double[k];
        onehot[x0] = 1;
        double[] u = new double[k];
        Arrays.fill(u, 1.0 / k);
        return kl(marginal(onehot, s.steps() - 1, s), u);
    }
}
