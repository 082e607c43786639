package org.diffleak.core.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffleak.core.privacy.SpecialFunctions;

/**
 * The likelihood-ratio attack (LiRA; Carlini et al., "Membership Inference Attacks From First Principles", S&amp;P
 * 2022), as applied to diffusion models in Carlini et al., USENIX Security 2023. Each shadow model trains on a
 * random half of a candidate pool, so every candidate x has IN shadows (trained on it) and OUT shadows. Per
 * candidate and per signal dimension j, Gaussians are fitted to the shadows' signals:
 * <pre>
 *   online:  Λ(x) = Σ_j [ log N(s_j; μ_in,j(x), σ_in,j²) − log N(s_j; μ_out,j(x), σ_out,j²) ]
 *   offline: Λ(x) = Σ_j log Φ((s_j − μ_out,j(x)) / σ_out,j)
 * </pre>
 * with s_j the target model's signal (higher = more member-like, e.g. the negative loss at timestep t_j). With
 * few shadows the per-candidate variances are noisy; as the paper recommends below 64 shadows, σ can be one
 * variance per dimension pooled over all candidates ({@code globalVariance}). Higher Λ = more likely member.
 */
public final class Lira {

    /** Smallest standard deviation used: signals that all shadows agree on must not give infinite ratios. */
    private static final double MIN_SIGMA = 1e-8;

    private final boolean online;
    private final boolean globalVariance;

    /**
     * @param online true: IN and OUT Gaussians (needs IN shadows for every candidate); false: OUT shadows only
     * @param globalVariance one σ per dimension (and per IN/OUT) pooled over candidates, instead of per candidate
     */
    public Lira(boolean online, boolean globalVariance) {
        this.online = online;
        this.globalVariance = globalVariance;
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
        int d = target.length == 0 ? 0 : target[0].length;
        check(target, shadows, in, d);
        double[][][] outStats = stats(shadows, in, false, n, d);
        double[][][] inStats = online ? stats(shadows, in, true, n, d) : null;
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double lr = 0;
            for (int j = 0; j < d; j++) {
                double x = target[i][j];
                double zOut = (x - outStats[0][i][j]) / outStats[1][i][j];
                if (online) {
                    double zIn = (x - inStats[0][i][j]) / inStats[1][i][j];
                    lr += -0.5 * zIn * zIn - Math.log(inStats[1][i][j]) + 0.5 * zOut * zOut
                            + Math.log(outStats[1][i][j]);
                } else {
                    lr += SpecialFunctions.logNormalCdf(zOut);
                }
            }
            s[i] = lr;
        }
        return s;
    }

    /**
     * [0] = means, [1] = standard deviations, [candidate][d], over the shadows on the given side. A candidate
     * with no shadow on that side (few shadows) gets the side's mean and spread over all candidates: no
     * calibration for it, rather than no score.
     */
    private double[][][] stats(double[][][] shadows, boolean[][] in, boolean side, int n, int d) {
        double[][] mean = new double[n][d];
        double[][] sd = new double[n][d];
        int[] count = new int[n];
        double[] globalSum = new double[d];
        long globalCount = 0;
        for (int i = 0; i < n; i++) {
            for (double[][] shadow : shadowsOn(shadows, in, side, i)) {
                count[i]++;
                for (int j = 0; j < d; j++) {
                    mean[i][j] += shadow[i][j];
                    globalSum[j] += shadow[i][j];
                }
            }
            globalCount += count[i];
        }
        if (globalCount == 0) {
            throw new IllegalArgumentException("no shadow is " + (side ? "IN" : "OUT") + " for any candidate");
        }
        double[] pooled = new double[d];
        double[] spread = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[i][j] = count[i] > 0 ? mean[i][j] / count[i] : globalSum[j] / globalCount;
            }
            for (double[][] shadow : shadowsOn(shadows, in, side, i)) {
                for (int j = 0; j < d; j++) {
                    double e = shadow[i][j] - mean[i][j];
                    double g = shadow[i][j] - globalSum[j] / globalCount;
                    sd[i][j] += e * e;
                    pooled[j] += e * e;
                    spread[j] += g * g;
                }
            }
            for (int j = 0; j < d; j++) {
                sd[i][j] = count[i] > 1 ? Math.sqrt(sd[i][j] / (count[i] - 1)) : Double.NaN;
            }
        }
        long withSide = Arrays.stream(count).filter(c -> c > 0).count();
        for (int j = 0; j < d; j++) {
            double global = Math.sqrt(pooled[j] / Math.max(1, globalCount - withSide));
            double overall = Math.sqrt(spread[j] / Math.max(1, globalCount - 1));
            for (int i = 0; i < n; i++) {
                double v = count[i] == 0 ? overall : globalVariance || !Double.isFinite(sd[i][j]) ? global : sd[i][j];
                sd[i][j] = Math.max(v, MIN_SIGMA);
            }
        }
        return new double[][][] {mean, sd};
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
