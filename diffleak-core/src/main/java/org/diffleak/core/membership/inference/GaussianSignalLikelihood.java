package org.diffleak.core.membership.inference;

import org.diffleak.core.privacy.SpecialFunctions;

/**
 * A probability for signals that have no likelihood reading, so that RMIA's Pr(x) = mean_θ' Pr(x | θ') averages
 * quantities on one scale. RMIA needs log Pr(x | θ); a diffusion model's loss is a sum of ~784 squared errors
 * (log-mean-exp over reference models then acts like a max), and PIA's or SimA's statistics are no likelihood
 * at all. As in LiRA, each sample gets a Gaussian from the reference models: μ(x) the median of their signals on
 * x, σ one spread pooled over all samples (the root mean square of the reference signals around their sample's
 * median; with one reference model, or copies of one, that is 0, and σ is then the spread of all reference signals
 * around their overall mean, LiRA's fixed σ). Then
 * <pre>
 *   Pr(x | θ) = Φ((s_θ(x) − μ(x)) / σ)
 * </pre>
 * the probability that a reference model's signal on x lies below θ's: a number in (0, 1) whose scale is the same
 * for every signal, every sample and every model. Computed in log space ({@code logNormalCdf}).
 */
public final class GaussianSignalLikelihood {

    /** log Pr for the target and the reference models, on the candidates and on the population. */
    public record LogProbabilities(double[] target, double[][] references, double[] populationTarget,
            double[][] populationReferences) {}

    private GaussianSignalLikelihood() {}

    /**
     * @param target the target's signal per candidate
     * @param references [model][candidate]
     * @param populationTarget the target's signal per population sample
     * @param populationReferences [model][z]
     */
    public static LogProbabilities of(double[] target, double[][] references, double[] populationTarget,
            double[][] populationReferences) {
        double[] mu = medians(references, target.length);
        double[] muZ = medians(populationReferences, populationTarget.length);
        double ss = 0;
        long n = 0;
        for (int m = 0; m < references.length; m++) {
            for (int i = 0; i < target.length; i++) {
                ss += (references[m][i] - mu[i]) * (references[m][i] - mu[i]);
            }
            for (int i = 0; i < populationTarget.length; i++) {
                double e = populationReferences[m][i] - muZ[i];
                ss += e * e;
            }
            n += target.length + populationTarget.length;
        }
        double sd = Math.sqrt(ss / n);
        if (!(sd > 0)) {
            sd = overallSpread(references, populationReferences);
        }
        if (!(sd > 0)) {
            throw new IllegalArgumentException("the reference models' signals do not vary around their medians:"
                    + " no Gaussian to read a probability from");
        }
        double[][] refs = new double[references.length][];
        double[][] refsZ = new double[references.length][];
        for (int m = 0; m < references.length; m++) {
            refs[m] = logCdf(references[m], mu, sd);
            refsZ[m] = logCdf(populationReferences[m], muZ, sd);
        }
        return new LogProbabilities(logCdf(target, mu, sd), refs, logCdf(populationTarget, muZ, sd), refsZ);
    }

    private static double overallSpread(double[][] references, double[][] populationReferences) {
        double sum = 0;
        long n = 0;
        for (double[][] part : new double[][][] {references, populationReferences}) {
            for (double[] row : part) {
                for (double v : row) {
                    sum += v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        double ss = 0;
        for (double[][] part : new double[][][] {references, populationReferences}) {
            for (double[] row : part) {
                for (double v : row) {
                    ss += (v - mean) * (v - mean);
                }
            }
        }
        return Math.sqrt(ss / n);
    }

    private static double[] medians(double[][] models, int samples) {
        double[] out = new double[samples];
        double[] v = new double[models.length];
        for (int i = 0; i < samples; i++) {
            for (int m = 0; m < models.length; m++) {
                v[m] = models[m][i];
            }
            out[i] = Lira.median(v);
        }
        return out;
    }

    private static double[] logCdf(double[] s, double[] mu, double sd) {
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = SpecialFunctions.logNormalCdf((s[i] - mu[i]) / sd);
        }
        return out;
    }
}
