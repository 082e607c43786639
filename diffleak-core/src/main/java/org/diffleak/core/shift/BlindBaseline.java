package org.diffleak.core.shift;

import java.util.Locale;
import org.diffleak.core.data.ImageDataset;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.table.LogisticRegression;

/**
 * The blind baseline of a membership audit (Das, Zhang &amp; Tramèr 2024, "Blind Baselines Beat Membership
 * Inference Attacks for Foundation Models"): a classifier that never touches the model tries to tell the members
 * from the non-members by their images alone. If it can, the two sets differ in distribution and any attack can
 * score by that difference instead of by what the model remembers.
 *
 * <p>Protocol: {@link ImageFeatures} of every image; stratified, seeded {@value #FOLDS}-fold cross-validation of
 * an L2-regularised logistic regression ({@link LogisticRegression}, λ = {@value #LAMBDA} on features standardised
 * with the training folds' mean and standard deviation); the AUC of the out-of-fold scores with a 95% stratified
 * bootstrap interval ({@link MembershipMetrics}, {@value #BOOTSTRAPS} resamples). The sets count as shifted when the
 * interval's lower end exceeds {@value #SHIFT_THRESHOLD}. The interval resamples the out-of-fold scores; it does not
 * refit the folds.
 */
public final class BlindBaseline {

    /** Fewer images than this on either side and the check is skipped: its interval would span most of [0, 1]. */
    public static final int MIN_PER_SIDE = 20;
    /** The lower end of the AUC interval above which the sets count as shifted. */
    public static final double SHIFT_THRESHOLD = 0.55;
    public static final int FOLDS = 5;
    public static final double LAMBDA = 10.0;
    public static final int BOOTSTRAPS = 1000;

    public static final String METHOD = "logistic regression (L2, λ = " + LAMBDA + ", standardised features) on"
            + " model-free image features, stratified " + FOLDS + "-fold cross-validation, AUC of the out-of-fold"
            + " scores with a " + BOOTSTRAPS + "-resample stratified bootstrap 95% interval";

    private BlindBaseline() {}

    /** The check on two image sets of one shape. */
    public static DistributionCheck run(ImageDataset members, ImageDataset nonMembers, long seed) {
        long t0 = System.nanoTime();
        int n1 = members.size();
        int n0 = nonMembers.size();
        if (n1 < MIN_PER_SIDE || n0 < MIN_PER_SIDE) {
            return DistributionCheck.skipped(String.format(Locale.ROOT, "it needs at least %d images a side, got %d"
                    + " members and %d non-members", MIN_PER_SIDE, n1, n0), n1, n0, METHOD);
        }
        double[][] x = new double[n1 + n0][];
        System.arraycopy(ImageFeatures.of(members), 0, x, 0, n1);
        System.arraycopy(ImageFeatures.of(nonMembers), 0, x, n1, n0);
        boolean[] y = new boolean[n1 + n0];
        for (int i = 0; i < n1; i++) {
            y[i] = true;
        }
        double[] scores = outOfFoldScores(x, y, seed);
        MembershipMetrics m = MembershipMetrics.compute(y, scores, BOOTSTRAPS, seed);
        return new DistributionCheck(null, n1, n0, m.auc(), m.aucCi(), m.aucCi().low() > SHIFT_THRESHOLD, METHOD,
                ImageFeatures.GROUPS, scores, (System.nanoTime() - t0) / 1e9, null);
    }

    /**
     * The check with the candidates {@link PropensityMatching} keeps, and the check cross-validated anew on them
     * (with the same seed). The recheck is optimistic: the kept candidates were chosen by these same features.
     */
    public static DistributionCheck matched(DistributionCheck check, ImageDataset members, ImageDataset nonMembers,
            long seed) {
        if (!check.ran()) {
            throw new IllegalArgumentException("--match-distribution needs the distribution check, which was skipped: "
                    + check.skipped());
        }
        PropensityMatching.Pairs p = PropensityMatching.match(check.scores(), check.members());
        if (p.members().length < 2) {
            throw new IllegalArgumentException("--match-distribution: " + p.members().length + " member / non-member"
                    + " pair(s) lie within the caliper (the blind classifier tells the sets apart almost surely);"
                    + " audit with non-members from the members' source");
        }
        DistributionCheck recheck = run(members.subset(p.members(), members.name() + " (matched)"),
                nonMembers.subset(p.nonMembers(), nonMembers.name() + " (matched)"), seed);
        return check.withMatched(new DistributionCheck.Matched(p.members(), p.nonMembers(), p.caliper(), recheck));
    }

    /** Each row's log-odds of the label true, w₀ + w·x, from the model fitted on the other folds. */
    static double[] outOfFoldScores(double[][] x, boolean[] y, long seed) {
        int[] fold = StratifiedFolds.assign(y, FOLDS, seed);
        int d = x[0].length;
        double[] out = new double[x.length];
        for (int k = 0; k < FOLDS; k++) {
            int train = 0;
            for (int f : fold) {
                train += f != k ? 1 : 0;
            }
            double[] mean = new double[d];
            double[] sd = new double[d];
            for (int i = 0; i < x.length; i++) {
                if (fold[i] != k) {
                    for (int j = 0; j < d; j++) {
                        mean[j] += x[i][j] / train;
                    }
                }
            }
            for (int i = 0; i < x.length; i++) {
                if (fold[i] != k) {
                    for (int j = 0; j < d; j++) {
                        sd[j] += (x[i][j] - mean[j]) * (x[i][j] - mean[j]) / train;
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                sd[j] = Math.sqrt(sd[j]);
            }
            double[][] xt = new double[train][];
            boolean[] yt = new boolean[train];
            for (int i = 0, t = 0; i < x.length; i++) {
                if (fold[i] != k) {
                    xt[t] = standardise(x[i], mean, sd);
                    yt[t++] = y[i];
                }
            }
            LogisticRegression lr = LogisticRegression.fit(xt, yt, LAMBDA);
            for (int i = 0; i < x.length; i++) {
                if (fold[i] == k) {
                    out[i] = logit(lr.weights(), standardise(x[i], mean, sd));
                }
            }
        }
        return out;
    }

    private static double logit(double[] w, double[] x) {
        double z = w[0];
        for (int j = 0; j < x.length; j++) {
            z += w[j + 1] * x[j];
        }
        return z;
    }

    /** (x − mean)/sd per column; a column constant on the training folds becomes 0. */
    private static double[] standardise(double[] x, double[] mean, double[] sd) {
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = sd[j] > 1e-12 ? (x[j] - mean[j]) / sd[j] : 0;
        }
        return z;
    }
}
