package org.diffleak.core.membership.inference;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A small classifier on shadow features: standardisation with the shadow mean and standard deviation, one hidden
 * layer of tanh units, a logistic output, trained by full-batch Adam (β₁ 0.9, β₂ 0.999, ε 10⁻⁸) on the binary
 * cross-entropy with each class weighted to half the loss (so logit 0 is the equal-prior decision, as for the
 * likelihood ratio), plus ½·weightDecay·‖W‖² on the weights (not the biases).
 *
 * <p>Weights start from N(0, 1/fan-in) drawn from {@code new SplittableRandom(seed)}, biases at 0; with
 * {@link StrictMath} for exp and log, the same seed and data give bit-identical scores on every platform.
 */
public record MlpInference(int hiddenUnits, int epochs, double learningRate, double weightDecay, long seed)
        implements MembershipInference {

    public MlpInference {
        SmallNets.checkRecipe(hiddenUnits, epochs, learningRate, weightDecay);
    }

    /** 16 hidden units, 500 epochs, learning rate 0.01, weight decay 10⁻⁴. */
    public MlpInference(long seed) {
        this(16, 500, 0.01, 1e-4, seed);
    }

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public Fitted fit(double[][] features, boolean[] members) {
        int d = Features.checkTraining(features, members, 1);
        int n = features.length;
        int h = hiddenUnits;
        double[][] standardisation = SmallNets.standardisation(features, IntStream.range(0, n).toArray());
        double[] mean = standardisation[0];
        double[] scale = standardisation[1];
        double[][] x = new double[n][];
        double[] y = new double[n];
        double[] weight = new double[n];
        int pos = 0;
        for (boolean m : members) {
            pos += m ? 1 : 0;
        }
        for (int i = 0; i < n; i++) {
            x[i] = SmallNets.standardise(features[i], mean, scale);
            y[i] = members[i] ? 1 : 0;
            weight[i] = 0.5 / (members[i] ? pos : n - pos);
        }

        Layout at = new Layout(d, h);
        double[] w = new double[at.size];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < h * d; k++) {
            w[at.w1 + k] = rng.nextGaussian() / Math.sqrt(d);
        }
        for (int k = 0; k < h; k++) {
            w[at.w2 + k] = rng.nextGaussian() / Math.sqrt(h);
        }

        Objective objective = new Objective(at, x, y, weight, weightDecay);
        double loss = SmallNets.adam(objective::evaluate, w, epochs, learningRate);
        return new Fitted(mean, scale, h, w, loss);
    }

    /** The class-weighted cross-entropy plus ½·weightDecay·‖W‖², on standardised features x and labels y ∈ {0, 1}. */
    record Objective(Layout at, double[][] x, double[] y, double[] weight, double weightDecay) {

        /** Returns the loss at parameters w and writes its gradient into grad. */
        double evaluate(double[] w, double[] grad) {
            Arrays.fill(grad, 0);
            double[] a = new double[at.h];
            double loss = 0;
            for (int i = 0; i < x.length; i++) {
                double logit = at.forward(w, x[i], a);
                // softplus(l) − y·l, and its derivative σ(l) − y
                loss += weight[i] * (softplus(logit) - y[i] * logit);
                double delta = weight[i] * (1 / (1 + StrictMath.exp(-logit)) - y[i]);
                grad[at.b2] += delta;
                for (int k = 0; k < at.h; k++) {
                    grad[at.w2 + k] += delta * a[k];
                    double dh = delta * w[at.w2 + k] * (1 - a[k] * a[k]);
                    grad[at.b1 + k] += dh;
                    for (int j = 0; j < at.d; j++) {
                        grad[at.w1 + k * at.d + j] += dh * x[i][j];
                    }
                }
            }
            for (int k = 0; k < at.size; k++) {
                if (at.isWeight(k)) {
                    loss += 0.5 * weightDecay * w[k] * w[k];
                    grad[k] += weightDecay * w[k];
                }
            }
            return loss;
        }
    }

    /** tanh z = 1 − 2/(e²ᶻ + 1): twice as fast as StrictMath.tanh, exact to ~1e-16 absolute, ±1 at the ends. */
    private static double tanh(double z) {
        return 1 - 2 / (StrictMath.exp(2 * z) + 1);
    }

    /** log(1 + eᶻ) without overflow. */
    private static double softplus(double z) {
        return Math.max(z, 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
    }

    /** Offsets of W₁ [h][d], b₁ [h], w₂ [h] and b₂ in one flat parameter vector. */
    record Layout(int d, int h, int w1, int b1, int w2, int b2, int size) {

        Layout(int d, int h) {
            this(d, h, 0, h * d, h * d + h, h * d + 2 * h, h * d + 2 * h + 1);
        }

        /** W₁ and w₂ are weights; b₁ and b₂ are biases. */
        boolean isWeight(int k) {
            return k < b1 || (k >= w2 && k < b2);
        }

        /** Fills the hidden activations a = tanh(W₁x + b₁) and returns the logit w₂·a + b₂. */
        double forward(double[] w, double[] x, double[] a) {
            double logit = w[b2];
            for (int k = 0; k < h; k++) {
                double z = w[b1 + k];
                for (int j = 0; j < d; j++) {
                    z += w[w1 + k * d + j] * x[j];
                }
                a[k] = tanh(z);
                logit += w[w2 + k] * a[k];
            }
            return logit;
        }
    }

    /**
     * @param mean shadow feature means
     * @param scale shadow feature standard deviations (1 for a constant feature)
     * @param hiddenUnits h
     * @param weights W₁ [h][d] row-major, b₁ [h], w₂ [h], b₂
     * @param trainingLoss the training loss at the start of the last epoch
     */
    public record Fitted(double[] mean, double[] scale, int hiddenUnits, double[] weights, double trainingLoss)
            implements MembershipInference.Fitted {

        @Override
        public int dimension() {
            return mean.length;
        }

        /** The output logit. */
        @Override
        public double score(double[] features) {
            Features.checkQuery(features, mean.length);
            return new Layout(mean.length, hiddenUnits).forward(weights, SmallNets.standardise(features, mean, scale),
                    new double[hiddenUnits]);
        }

        @Override
        public boolean isMember(double[] features) {
            return score(features) > 0;
        }
    }
}
