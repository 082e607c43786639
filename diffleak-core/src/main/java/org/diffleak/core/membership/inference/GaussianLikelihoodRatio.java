package org.diffleak.core.membership.inference;

/**
 * The log-likelihood ratio of two multivariate Gaussians fitted on shadow features, one to members and one to
 * non-members: score = log N(f; μ₁, Σ̂₁) − log N(f; μ₀, Σ̂₀), positive when membership is the likelier
 * explanation (equal priors).
 *
 * <p>Each covariance is shrunk towards a scaled identity, Σ̂ = (1−λ)S + λ·(tr(S)/d)·I, S the sample covariance
 * (divisor n − 1), plus a ridge of 10⁻⁹·tr(S)/d. The shrinkage acts on features divided by their pooled shadow
 * standard deviation sⱼ, so that a distance near 10⁻³ and an SSIM near 1 share the target on equal terms; in the
 * features' own units Σ̂ = (1−λ)S + (λ + 10⁻⁹)·t·diag(s²) with t = (1/d) Σⱼ Sⱼⱼ/sⱼ². Without shrinkage the score
 * does not depend on that scaling (the Jacobians cancel); in one dimension the shrinkage has no effect.
 *
 * @param shrinkage λ in [0, 1]
 */
public record GaussianLikelihoodRatio(double shrinkage) implements MembershipInference {

    private static final double RIDGE = 1e-9;

    public GaussianLikelihoodRatio {
        if (!(shrinkage >= 0 && shrinkage <= 1)) {
            throw new IllegalArgumentException("shrinkage λ must be in [0, 1], got " + shrinkage);
        }
    }

    /** λ = 0.1. */
    public GaussianLikelihoodRatio() {
        this(0.1);
    }

    @Override
    public String name() {
        return "gaussian-lr";
    }

    @Override
    public Fitted fit(double[][] features, boolean[] members) {
        int d = Features.checkTraining(features, members, 2);
        double[] sum = new double[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                sum[j] += f[j];
            }
        }
        double[] scale = new double[d];
        boolean[] varies = new boolean[d];
        for (double[] f : features) {
            for (int j = 0; j < d; j++) {
                double dj = f[j] - sum[j] / features.length;
                scale[j] += dj * dj;
                varies[j] |= f[j] != features[0][j];
            }
        }
        for (int j = 0; j < d; j++) {
            if (!varies[j]) {
                throw new IllegalArgumentException("feature " + j + " has the same value in every shadow sample; "
                        + "drop it");
            }
            scale[j] = Math.sqrt(scale[j] / (features.length - 1));
        }
        return new Fitted(fitClass(features, members, true, scale), fitClass(features, members, false, scale));
    }

    private Gaussian fitClass(double[][] features, boolean[] members, boolean label, double[] scale) {
        int d = scale.length;
        double[] mean = columnMeans(features, members, label);
        double[][] cov = new double[d][d];
        int n = 0;
        double[] first = null;
        boolean varies = false;
        for (int i = 0; i < features.length; i++) {
            if (members[i] != label) {
                continue;
            }
            n++;
            first = first == null ? features[i] : first;
            for (int a = 0; a < d; a++) {
                double da = features[i][a] - mean[a];
                for (int b = 0; b <= a; b++) {
                    cov[a][b] += da * (features[i][b] - mean[b]);
                }
                varies |= features[i][a] != first[a];
            }
        }
        String who = label ? "shadow members" : "shadow non-members";
        if (!varies) {
            throw new IllegalArgumentException(who + " all have the same features; cannot fit a Gaussian");
        }
        double t = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b <= a; b++) {
                cov[a][b] /= n - 1;
            }
            t += cov[a][a] / (scale[a] * scale[a]);
        }
        t /= d;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] *= 1 - shrinkage;
                cov[b][a] = cov[a][b];
            }
            cov[a][a] = (1 - shrinkage) * cov[a][a] + (shrinkage + RIDGE) * t * scale[a] * scale[a];
        }
        return new Gaussian(mean, cov, who);
    }

    /** Per-feature means over the samples labelled {@code label}. */
    private static double[] columnMeans(double[][] features, boolean[] members, boolean label) {
        double[] mean = new double[features[0].length];
        int n = 0;
        for (int i = 0; i < features.length; i++) {
            if (members[i] == label) {
                n++;
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += features[i][j];
                }
            }
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= n;
        }
        return mean;
    }

    /** The two fitted Gaussians, in the features' own units. */
    public record Fitted(Gaussian members, Gaussian nonMembers) implements MembershipInference.Fitted {

        @Override
        public int dimension() {
            return members.dimension();
        }

        /** log N(f; μ₁, Σ̂₁) − log N(f; μ₀, Σ̂₀). */
        @Override
        public double score(double[] features) {
            return members.logDensity(features) - nonMembers.logDensity(features);
        }

        @Override
        public boolean isMember(double[] features) {
            return score(features) > 0;
        }
    }

    /** A multivariate normal N(μ, Σ), Σ factored once as L Lᵀ (Cholesky). */
    public static final class Gaussian {

        private final double[] mean;
        private final double[][] covariance;
        private final double[][] cholesky;
        private final double logDeterminant;

        Gaussian(double[] mean, double[][] covariance, String who) {
            int d = mean.length;
            this.mean = mean;
            this.covariance = covariance;
            this.cholesky = new double[d][d];
            double logDet = 0;
            for (int j = 0; j < d; j++) {
                double diag = covariance[j][j];
                for (int k = 0; k < j; k++) {
                    diag -= cholesky[j][k] * cholesky[j][k];
                }
                if (!(diag > 0)) {
                    throw new IllegalArgumentException("covariance of " + who + " is not positive definite or "
                            + "overflows (features of magnitude beyond 1e150?)");
                }
                cholesky[j][j] = Math.sqrt(diag);
                logDet += 2 * Math.log(cholesky[j][j]);
                for (int i = j + 1; i < d; i++) {
                    double s = covariance[i][j];
                    for (int k = 0; k < j; k++) {
                        s -= cholesky[i][k] * cholesky[j][k];
                    }
                    cholesky[i][j] = s / cholesky[j][j];
                }
            }
            this.logDeterminant = logDet;
        }

        public int dimension() {
            return mean.length;
        }

        /** μ, a copy. */
        public double[] mean() {
            return mean.clone();
        }

        /** Σ̂, a copy. */
        public double[][] covariance() {
            double[][] c = new double[covariance.length][];
            for (int i = 0; i < c.length; i++) {
                c[i] = covariance[i].clone();
            }
            return c;
        }

        /** log N(x; μ, Σ) = −½(d log 2π + log|Σ| + zᵀz), L z = x − μ. */
        public double logDensity(double[] x) {
            Features.checkQuery(x, mean.length);
            int d = mean.length;
            double[] z = new double[d];
            double q = 0;
            for (int i = 0; i < d; i++) {
                double s = x[i] - mean[i];
                for (int k = 0; k < i; k++) {
                    s -= cholesky[i][k] * z[k];
                }
                z[i] = s / cholesky[i][i];
                q += z[i] * z[i];
            }
            return -0.5 * (d * Math.log(2 * Math.PI) + logDeterminant + q);
        }
    }
}
