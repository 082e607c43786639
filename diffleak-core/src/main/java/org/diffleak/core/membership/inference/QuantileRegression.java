package org.diffleak.core.membership.inference;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Quantile-regression membership inference for diffusion models (Tang, Wu, Aydore, Kearns and Roth, "Membership
 * Inference Attacks on Diffusion Models via Quantile Regression", ICML 2024). A small regressor learns, from public
 * images that are known non-members, the distribution of the target's signal s(x) given the image x; each
 * candidate then gets its own threshold, the (1−α) quantile of that distribution:
 * <pre>
 *   member at level α  ⇔  s(x) &gt; q_{1−α}(x) = μ(x) + σ(x)·Φ⁻¹(1−α),
 * </pre>
 * so the test's false-positive rate is α on every kind of image, easy or hard. No model of the target's
 * architecture is trained. The quantile is parametrised by a Gaussian (μ, σ), fitted by the negative
 * log-likelihood ½((s−μ)/σ)² + log σ (the parametrisation of Bertran et al., NeurIPS 2023, which the quantile-MIA
 * code shares), so one regressor serves every α.
 *
 * <p><b>Bag of weak attackers</b> (the paper's §4): B regressors, each fitted on its own bootstrap resample of the
 * public data; a candidate is a member at level α when most of them say so. With z_b = (s − μ_b)/σ_b, that
 * majority holds exactly when median_b z_b &gt; Φ⁻¹(1−α), so the score is median_b z_b and one threshold on it is the
 * majority vote at every α (B odd). Higher = more likely member.
 *
 * <p>Each regressor: features standardised on its sample, the signal standardised likewise, one hidden layer of
 * tanh units with two outputs μ and ρ = log σ, full-batch Adam (β₁ 0.9, β₂ 0.999, ε 10⁻⁸) with ½·weightDecay·‖W‖²
 * on the weights (see {@link SmallNets}). Every draw comes from {@code new SplittableRandom(seed)}; {@link StrictMath} makes the scores
 * bit-identical on every platform.
 */
public record QuantileRegression(int bags, int hiddenUnits, int epochs, double learningRate, double weightDecay,
        long seed) {

    /** Bounds on ρ = log σ (in units of the signal's standard deviation): keeps exp(−2ρ) finite early in a fit. */
    private static final double MIN_LOG_SIGMA = -7;
    private static final double MAX_LOG_SIGMA = 7;

    public QuantileRegression {
        if (bags < 1 || bags % 2 == 0) {
            throw new IllegalArgumentException("the bag of weak attackers needs an odd number of regressors ≥ 1 (a"
                    + " majority), got " + bags);
        }
        SmallNets.checkRecipe(hiddenUnits, epochs, learningRate, weightDecay);
    }

    /** 9 regressors of 16 hidden units, 400 epochs, learning rate 0.01, weight decay 10⁻³. */
    public QuantileRegression(long seed) {
        this(9, 16, 400, 0.01, 1e-3, seed);
    }

    public String name() {
        return "quantile regression";
    }

    /**
     * @param publicFeatures features of the public non-member images [image][feature]
     * @param publicSignal the target's signal on them (higher = more member-like)
     * @param features the candidates' features
     * @param signal the target's signal on the candidates
     * @return median_b (s − μ_b)/σ_b per candidate
     */
    public double[] scores(double[][] publicFeatures, double[] publicSignal, double[][] features, double[] signal) {
        if (publicFeatures.length != publicSignal.length || features.length != signal.length) {
            throw new IllegalArgumentException("features and signal differ in length: " + publicFeatures.length
                    + " vs " + publicSignal.length + " public, " + features.length + " vs " + signal.length);
        }
        if (publicFeatures.length < 2) {
            throw new IllegalArgumentException("quantile regression needs ≥ 2 public non-members, got "
                    + publicFeatures.length);
        }
        int d = publicFeatures[0].length;
        for (double[][] rows : new double[][][] {publicFeatures, features}) {
            for (double[] r : rows) {
                if (r.length != d) {
                    throw new IllegalArgumentException("every feature row needs " + d + " values, one has " + r.length);
                }
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] z = new double[bags][];
        for (int b = 0; b < bags; b++) {
            int[] sample = new int[publicFeatures.length];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = bags == 1 ? i : rng.nextInt(sample.length);
            }
            Regressor r = fit(publicFeatures, publicSignal, sample, rng.split());
            z[b] = new double[signal.length];
            for (int i = 0; i < signal.length; i++) {
                double[] musigma = r.predict(features[i]);
                z[b][i] = (signal[i] - musigma[0]) / musigma[1];
            }
        }
        double[] scores = new double[signal.length];
        double[] column = new double[bags];
        for (int i = 0; i < signal.length; i++) {
            for (int b = 0; b < bags; b++) {
                column[b] = z[b][i];
            }
            Arrays.sort(column);
            scores[i] = column[bags / 2];
        }
        return scores;
    }

    /** One weak attacker, fitted on the rows `sample` (with repeats) of the public data. */
    Regressor fit(double[][] features, double[] signal, int[] sample, SplittableRandom rng) {
        int n = sample.length;
        int d = features[0].length;
        double[][] standardisation = SmallNets.standardisation(features, sample);
        double[] mean = standardisation[0];
        double[] scale = standardisation[1];
        double yMean = 0;
        for (int i : sample) {
            yMean += signal[i];
        }
        yMean /= n;
        double yScale = 0;
        for (int i : sample) {
            yScale += (signal[i] - yMean) * (signal[i] - yMean);
        }
        yScale = Math.sqrt(yScale / n);
        yScale = yScale > 0 ? yScale : 1;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int r = 0; r < n; r++) {
            x[r] = SmallNets.standardise(features[sample[r]], mean, scale);
            y[r] = (signal[sample[r]] - yMean) / yScale;
        }
        Layout at = new Layout(d, hiddenUnits);
        double[] w = new double[at.size];
        for (int k = 0; k < at.h * d; k++) {
            w[at.w1 + k] = rng.nextGaussian() / Math.sqrt(d);
        }
        // small output weights: every fit starts near μ = 0, σ = 1, the standardised signal's marginal
        for (int k = 0; k < at.h; k++) {
            w[at.wMu + k] = 0.1 * rng.nextGaussian() / Math.sqrt(at.h);
            w[at.wRho + k] = 0.1 * rng.nextGaussian() / Math.sqrt(at.h);
        }
        SmallNets.adam(new Objective(at, x, y, weightDecay)::evaluate, w, epochs, learningRate);
        return new Regressor(at, w, mean, scale, yMean, yScale);
    }

    /** A fitted weak attacker: (μ, σ) of the signal in the signal's own units. */
    record Regressor(Layout at, double[] w, double[] mean, double[] scale, double yMean, double yScale) {

        double[] predict(double[] features) {
            double[] out = at.forward(w, SmallNets.standardise(features, mean, scale), new double[at.h]);
            return new double[] {yMean + yScale * out[0], yScale * StrictMath.exp(out[1])};
        }
    }

    /** Mean Gaussian negative log-likelihood ½r² + ρ, r = (y − μ)/e^ρ, plus ½·weightDecay·‖W‖². */
    record Objective(Layout at, double[][] x, double[] y, double weightDecay) {

        /** Returns the loss at parameters w and writes its gradient into grad. */
        double evaluate(double[] w, double[] grad) {
            Arrays.fill(grad, 0);
            double[] a = new double[at.h];
            double loss = 0;
            double inv = 1.0 / x.length;
            for (int i = 0; i < x.length; i++) {
                double[] out = at.forward(w, x[i], a);
                double rho = out[1];
                double invSigma = StrictMath.exp(-rho);
                double r = (y[i] - out[0]) * invSigma;
                loss += inv * (0.5 * r * r + rho);
                // ∂/∂μ = −r/σ; ∂/∂ρ = 1 − r² (zero where ρ is clamped)
                double gMu = -inv * r * invSigma;
                double gRho = at.clamped(w, a) ? 0 : inv * (1 - r * r);
                grad[at.bMu] += gMu;
                grad[at.bRho] += gRho;
                for (int k = 0; k < at.h; k++) {
                    grad[at.wMu + k] += gMu * a[k];
                    grad[at.wRho + k] += gRho * a[k];
                    double dz = (gMu * w[at.wMu + k] + gRho * w[at.wRho + k]) * (1 - a[k] * a[k]);
                    grad[at.b1 + k] += dz;
                    for (int j = 0; j < at.d; j++) {
                        grad[at.w1 + k * at.d + j] += dz * x[i][j];
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

    /** Offsets of W₁ [h][d], b₁ [h], w_μ [h], b_μ, w_ρ [h], b_ρ in one flat parameter vector. */
    record Layout(int d, int h, int w1, int b1, int wMu, int bMu, int wRho, int bRho, int size) {

        Layout(int d, int h) {
            this(d, h, 0, h * d, h * d + h, h * d + 2 * h, h * d + 2 * h + 1, h * d + 3 * h + 1,
                    h * d + 3 * h + 2);
        }

        boolean isWeight(int k) {
            return k < b1 || (k >= wMu && k < bMu) || (k >= wRho && k < bRho);
        }

        /** Fills the hidden activations a = tanh(W₁x + b₁) and returns {μ, ρ} with ρ clamped. */
        double[] forward(double[] w, double[] x, double[] a) {
            double mu = w[bMu];
            double rho = w[bRho];
            for (int k = 0; k < h; k++) {
                double z = w[b1 + k];
                for (int j = 0; j < d; j++) {
                    z += w[w1 + k * d + j] * x[j];
                }
                a[k] = 1 - 2 / (StrictMath.exp(2 * z) + 1);
                mu += w[wMu + k] * a[k];
                rho += w[wRho + k] * a[k];
            }
            return new double[] {mu, Math.min(MAX_LOG_SIGMA, Math.max(MIN_LOG_SIGMA, rho))};
        }

        /** Whether ρ (before clamping) lies outside the bounds for hidden activations a. */
        boolean clamped(double[] w, double[] a) {
            double rho = w[bRho];
            for (int k = 0; k < h; k++) {
                rho += w[wRho + k] * a[k];
            }
            return rho < MIN_LOG_SIGMA || rho > MAX_LOG_SIGMA;
        }
    }
}
