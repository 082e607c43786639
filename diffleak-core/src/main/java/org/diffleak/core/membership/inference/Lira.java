package org.diffleak.core.membership.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffleak.core.privacy.SpecialFunctions;

/**
 * The likelihood-ratio attack (LiRA; Carlini et al., "Membership Inference Attacks From First Principles", S&amp;P
 * 2022), as its published code computes it (tensorflow/privacy, research/mi_lira_2021/plot.py, generate_ours and
 * generate_ours_offline). Each shadow model trains on a random half of a candidate pool, so a candidate x has IN
 * shadows (trained on it) and OUT shadows. Per candidate, side and signal dimension j, the Gaussian's mean is the
 * <b>median</b> of that side's shadow signals, and
 * <pre>
 *   online:             Λ(x) = mean_j [ log N(s_j; μ_in,j, σ_in²) − log N(s_j; μ_out,j, σ_out²) ]
 *   offline (code):     Λ(x) = mean_j [ −log N(s_j; μ_out,j, σ_out²) ]            (two-sided)
 *   offline (paper):    Λ(x) = mean_j log Φ((s_j − μ_out,j) / σ_out)               (one-sided)
 * </pre>
 * with s_j the target's signal (higher = more member-like). σ, as in the code: with few shadows one fixed σ, the
 * population standard deviation (ddof 0) of <i>all</i> IN signals pooled over candidates, shadows and dimensions,
 * for both sides (offline: of all OUT signals); per example, the standard deviation over that candidate's shadows
 * on each side. {@link Variance#AUTO} takes the fixed σ below {@value #PER_EXAMPLE_FROM} shadows, as the paper
 * recommends. σ + 1e-30 as in the code. One difference from the code, on purpose: it keeps only the first
 * min-over-candidates shadows of each side for every candidate (it needs rectangular arrays); here every shadow
 * counts. With LiRA's own balanced design (every candidate IN exactly half the shadows) the two are the same.
 * Higher Λ = more likely member.
 */
public final class Lira {

    /** From this many shadows {@link Variance#AUTO} fits σ per example. */
    public static final int PER_EXAMPLE_FROM = 64;

    /** How σ is fitted. */
    public enum Variance {
        /** Fixed below {@value Lira#PER_EXAMPLE_FROM} shadows, per example from there. */
        AUTO,
        /** One σ pooled over everything (the code's fix_variance=True). */
        GLOBAL,
        /** One σ per candidate, side and dimension. */
        PER_EXAMPLE
    }

    private final boolean online;
    private final Variance variance;
    private final boolean oneSided;
    private final boolean requireCoverage;

    /**
     * @param online true: IN and OUT Gaussians; false: OUT shadows only
     * @param variance how σ is fitted
     * @param oneSided offline only: the paper's one-sided test instead of the code's two-sided density
     * @param requireCoverage true: a candidate with no shadow on a side the test needs is an error; false: it takes
     *     that side's mean and spread over all candidates (no calibration for it, rather than no score)
     */
    public Lira(boolean online, Variance variance, boolean oneSided, boolean requireCoverage) {
        if (online && oneSided) {
            throw new IllegalArgumentException("the one-sided test is an offline LiRA variant");
        }
        this.online = online;
        this.variance = variance;
        this.oneSided = oneSided;
        this.requireCoverage = requireCoverage;
    }

    /** The published code's attack: AUTO variance, two-sided offline, every candidate covered. */
    public static Lira reference(boolean online) {
        return new Lira(online, Variance.AUTO, false, true);
    }

    public String name() {
        return online ? "LiRA online" : "LiRA offline";
    }

    /**
     * @param target the target's signals [candidate][d]
     * @param shadows each shadow's signals on the same candidates [shadow][candidate][d]
     * @param in whether each shadow trained on each candidate [shadow][candidate]
     * @return Λ per candidate
     */
    public double[] scores(double[][] target, double[][][] shadows, boolean[][] in) {
        int n = target.length;
        int d = n == 0 ? 0 : target[0].length;
        check(target, shadows, in, d);
        boolean perExample = variance == Variance.PER_EXAMPLE
                || variance == Variance.AUTO && shadows.length >= PER_EXAMPLE_FROM;
        Side out = side(shadows, in, false, n, d);
        Side inSide = online ? side(shadows, in, true, n, d) : null;
        // the code's fixed σ: online from the IN pool for both sides, offline from the OUT pool
        double fixed = online ? inSide.pooledSd : out.pooledSd;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double lr = 0;
            for (int j = 0; j < d; j++) {
                double x = target[i][j];
                double sdOut = (perExample ? out.sd[i][j] : fixed) + 1e-30;
                if (online) {
                    double sdIn = (perExample ? inSide.sd[i][j] : fixed) + 1e-30;
                    lr += logDensity(x, inSide.median[i][j], sdIn) - logDensity(x, out.median[i][j], sdOut);
                } else if (oneSided) {
                    lr += SpecialFunctions.logNormalCdf((x - out.median[i][j]) / sdOut);
                } else {
                    lr -= logDensity(x, out.median[i][j], sdOut);
                }
            }
            s[i] = lr / d;
        }
        return s;
    }

    /** log N(x; μ, σ²). */
    static double logDensity(double x, double mu, double sd) {
        double z = (x - mu) / sd;
        return -0.5 * z * z - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
    }

    /** One side's medians and per-example σ [candidate][d], and the σ of all its signals pooled. */
    private record Side(double[][] median, double[][] sd, double pooledSd) {}

    private Side side(double[][][] shadows, boolean[][] in, boolean side, int n, int d) {
        double[][] median = new double[n][d];
        double[][] sd = new double[n][d];
        double sum = 0;
        long count = 0;
        List<Integer> uncovered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<double[][]> on = shadowsOn(shadows, in, side, i);
            if (on.isEmpty()) {
                if (requireCoverage) {
                    throw new IllegalArgumentException("candidate " + i + " has no " + (side ? "IN" : "OUT")
                            + " shadow: " + name() + " needs one on that side for every candidate");
                }
                uncovered.add(i);
                continue;
            }
            double[] v = new double[on.size()];
            for (int j = 0; j < d; j++) {
                double mean = 0;
                for (int m = 0; m < v.length; m++) {
                    v[m] = on.get(m)[i][j];
                    mean += v[m];
                    sum += v[m];
                }
                count += v.length;
                mean /= v.length;
                double ss = 0;
                for (double x : v) {
                    ss += (x - mean) * (x - mean);
                }
                sd[i][j] = Math.sqrt(ss / v.length);
                median[i][j] = median(v);
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no shadow is " + (side ? "IN" : "OUT") + " for any candidate");
        }
        double mean = sum / count;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            for (double[][] shadow : shadowsOn(shadows, in, side, i)) {
                for (int j = 0; j < d; j++) {
                    double e = shadow[i][j] - mean;
                    ss += e * e;
                }
            }
        }
        double pooled = Math.sqrt(ss / count);
        for (int i : uncovered) {
            for (int j = 0; j < d; j++) {
                median[i][j] = mean;
                sd[i][j] = pooled;
            }
        }
        return new Side(median, sd, pooled);
    }

    /** numpy's median: the middle value, or the mean of the two middle values. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    private static List<double[][]> shadowsOn(double[][][] shadows, boolean[][] in, boolean side, int i) {
        List<double[][]> on = new ArrayList<>();
        for (int m = 0; m < shadows.length; m++) {
            if (in[m][i] == side) {
                on.add(shadows[m]);
            }
        }
        return on;
    }

    private static void check(double[][] target, double[][][] shadows, boolean[][] in, int d) {
        if (shadows.length == 0 || shadows.length != in.length) {
            throw new IllegalArgumentException(shadows.length + " shadows' signals and " + in.length
                    + " membership masks: LiRA needs at least one shadow, with its mask");
        }
        for (int m = 0; m < shadows.length; m++) {
            if (shadows[m].length != target.length || in[m].length != target.length) {
                throw new IllegalArgumentException("shadow " + m + " has " + shadows[m].length + " rows and "
                        + in[m].length + " flags for " + target.length + " candidates");
            }
            for (double[] row : shadows[m]) {
                requireFinite(row, d, "shadow " + m);
            }
        }
        for (double[] row : target) {
            requireFinite(row, d, "target");
        }
    }

    static void requireFinite(double[] row, int d, String what) {
        if (row.length != d) {
            throw new IllegalArgumentException(what + ": a row of " + row.length + " signals, expected " + d);
        }
        for (double v : row) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + ": a non-finite signal " + v);
            }
        }
    }
}
