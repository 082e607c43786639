package org.diffleak.core.property;

import java.util.SplittableRandom;

/**
 * Property share by counting: a property classifier, trained on the attacker's auxiliary labelled data,
 * labels N synthetic samples; the raw positive share r is corrected for the classifier's error rates
 * measured on held-out labelled data, p̂ = (r − FPR)/(TPR − FPR), clamped to [0, 1]. Since
 * E[r] = p·TPR + (1 − p)·FPR, p̂ is unbiased when the classifier errs on samples as on real images.
 * The 95% interval resamples both the samples and the calibration images (percentile bootstrap).
 */
public final class ClassifierCountEstimator {

    private final boolean[] calibrationTruth;
    private final boolean[] calibrationPredicted;

    /**
     * @param calibrationTruth the property of each held-out labelled image
     * @param calibrationPredicted the classifier's decision on each of them
     */
    public ClassifierCountEstimator(boolean[] calibrationTruth, boolean[] calibrationPredicted) {
        if (calibrationTruth.length != calibrationPredicted.length) {
            throw new IllegalArgumentException("calibration needs one decision per image, got "
                    + calibrationPredicted.length + " for " + calibrationTruth.length);
        }
        int pos = (int) Math.round(BinaryProperty.share(calibrationTruth) * calibrationTruth.length);
        if (pos == 0 || pos == calibrationTruth.length) {
            throw new IllegalArgumentException("calibration images must include both values of the property");
        }
        this.calibrationTruth = calibrationTruth.clone();
        this.calibrationPredicted = calibrationPredicted.clone();
    }

    /** TPR = P(decision 1 | property), measured on the calibration images. */
    public double tpr() {
        return rates(identity(calibrationTruth.length))[0];
    }

    /** FPR = P(decision 1 | no property), measured on the calibration images. */
    public double fpr() {
        return rates(identity(calibrationTruth.length))[1];
    }

    /** p̂ = (r − FPR)/(TPR − FPR) clamped to [0, 1]; r itself when TPR ≤ FPR (a useless classifier). */
    public static double correct(double r, double tpr, double fpr) {
        if (!(tpr > fpr)) {
            return r;
        }
        return Math.min(1, Math.max(0, (r - fpr) / (tpr - fpr)));
    }

    /**
     * @param decisions the classifier's decision on each synthetic sample
     * @param replicates bootstrap replicates (≥ 100 for a 95% interval)
     */
    public ShareEstimate estimate(boolean[] decisions, int replicates, SplittableRandom rng) {
        if (decisions.length == 0) {
            throw new IllegalArgumentException("no samples to count");
        }
        double r = BinaryProperty.share(decisions);
        double[] rates = rates(identity(calibrationTruth.length));
        double point = correct(r, rates[0], rates[1]);
        double[] boot = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            int[] s = Bootstrap.resample(decisions.length, rng);
            int k = 0;
            for (int i : s) {
                k += decisions[i] ? 1 : 0;
            }
            double[] br = rates(Bootstrap.resample(calibrationTruth.length, rng));
            boot[b] = correct((double) k / s.length, br[0], br[1]);
        }
        return new ShareEstimate(r, point, Bootstrap.quantile(boot, 0.025), Bootstrap.quantile(boot, 0.975));
    }

    /** {TPR, FPR} over the calibration images at the given (possibly repeated) indices. */
    private double[] rates(int[] idx) {
        int tp = 0;
        int pos = 0;
        int fp = 0;
        int neg = 0;
        for (int i : idx) {
            if (calibrationTruth[i]) {
                pos++;
                tp += calibrationPredicted[i] ? 1 : 0;
            } else {
                neg++;
                fp += calibrationPredicted[i] ? 1 : 0;
            }
        }
        return new double[] {pos == 0 ? 1 : (double) tp / pos, neg == 0 ? 0 : (double) fp / neg};
    }

    private static int[] identity(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }
}
