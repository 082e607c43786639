package org.diffleak.core.membership.inference;

import org.diffleak.core.inversion.Adam;

/**
 * What the small plain-Java networks of this package share: the recipe's checks, feature standardisation and
 * full-batch Adam ({@link Adam}) on one flat parameter vector.
 */
final class SmallNets {

    private SmallNets() {}

    static void checkRecipe(int hiddenUnits, int epochs, double learningRate, double weightDecay) {
        if (hiddenUnits < 1 || epochs < 1) {
            throw new IllegalArgumentException("hidden units and epochs must be ≥ 1, got " + hiddenUnits + " and "
                    + epochs);
        }
        if (!(learningRate > 0 && learningRate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("weight decay must be ≥ 0 and finite, got " + weightDecay);
        }
    }

    /**
     * Mean and standard deviation of each feature over the rows `sample` (with repeats); a feature constant
     * there gets scale 1, so it standardises to 0 and cannot inform a fit.
     *
     * @return {mean, scale}
     */
    static double[][] standardisation(double[][] features, int[] sample) {
        int d = features[sample[0]].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i : sample) {
            for (int j = 0; j < d; j++) {
                mean[j] += features[i][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= sample.length;
        }
        for (int i : sample) {
            for (int j = 0; j < d; j++) {
                scale[j] += (features[i][j] - mean[j]) * (features[i][j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j] / sample.length);
            scale[j] = scale[j] > 0 ? scale[j] : 1;
        }
        return new double[][] {mean, scale};
    }

    static double[] standardise(double[] features, double[] mean, double[] scale) {
        double[] x = new double[mean.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = (features[j] - mean[j]) / scale[j];
        }
        return x;
    }

    /** The gradient of a full-batch objective at w, written into grad; returns the objective. */
    interface Objective {
        double evaluate(double[] w, double[] grad);
    }

    /**
     * Runs `epochs` full-batch Adam steps on w in place.
     *
     * @return the objective at the start of the last step
     */
    static double adam(Objective objective, double[] w, int epochs, double learningRate) {
        double[] grad = new double[w.length];
        Adam adam = new Adam(w.length);
        double loss = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            loss = objective.evaluate(w, grad);
            adam.step(w, grad, learningRate);
        }
        return loss;
    }
}
