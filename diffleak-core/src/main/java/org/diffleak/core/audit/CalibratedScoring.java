package org.diffleak.core.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.diffleak.core.membership.inference.GaussianSignalLikelihood;
import org.diffleak.core.membership.inference.Lira;
import org.diffleak.core.membership.inference.QuantileRegression;
import org.diffleak.core.membership.inference.Rmia;
import org.diffleak.core.metrics.MembershipMetrics;
import org.diffleak.core.metrics.ScoresCsv;
import org.diffleak.core.report.AttackOutcome;

/**
 * Scoring of the calibrated protocol (LiRA's): the target and every shadow train on random halves of one
 * candidate pool, so each candidate has IN and OUT shadows. Each signal gives its raw score (one global
 * threshold, the uncalibrated baseline), LiRA online, LiRA offline and RMIA, all on the same candidates; and how
 * each calibrated attack's figures grow with the number of shadows. Where the pool carries image features, the
 * quantile-regression attack, which needs no shadow, calibrates the same signal on the population samples alone.
 */
public final class CalibratedScoring {

    /** The attacks calibrated on the shadows, in the order of the outcomes. */
    private static final List<String> METHODS = List.of("LiRA online", "LiRA offline", "RMIA");

    private CalibratedScoring() {}

    /**
     * Who trained on what. Every model's signal rows hold the pool's candidates first, then the population samples
     * z (RMIA's reference population: images no model trained on).
     *
     * @param targetIn whether the target trained on each pool candidate
     * @param shadowIn whether each shadow trained on each pool candidate [shadow][candidate]
     * @param population the number of population rows after the pool's
     * @param features per row (pool, then population) the image features of the quantile regressor; null: no
     *     quantile-regression attack
     */
    public record Pool(boolean[] targetIn, boolean[][] shadowIn, int population, double[][] features) {

        public Pool {
            if (features != null && features.length != targetIn.length + population) {
                throw new IllegalArgumentException(features.length + " feature rows for " + targetIn.length
                        + " candidates and " + population + " population samples");
            }
        }

        public int candidates() {
            return targetIn.length;
        }
    }

    /**
     * The calibrated audit's outcomes with its config's metric and seed.
     *
     * @return per signal: raw, LiRA online, LiRA offline, RMIA, and quantile regression where the pool has features
     */
    public static List<AttackOutcome> score(AuditSignals s) {
        List<String> ids = IntStream.of(s.targetIds()).mapToObj(Integer::toString).toList();
        return score(s.signals(), s.calibration(), ids, s.config().attacks().metric(), s.config().seed());
    }

    public static List<AttackOutcome> score(List<Signal> signals, Pool pool, List<String> ids, String metric,
            long seed) {
        int n = pool.candidates();
        List<AttackOutcome> out = new ArrayList<>();
        for (Signal sig : chooseTimesteps(signals, pool)) {
            int column = AuditScoring.thresholdColumn(metric, sig);
            double[] target = column(sig.target(), column, 0, n);
            double[] z = column(sig.target(), column, n, pool.population());
            add(out, sig, "raw", ids, pool.targetIn(), target, seed);
            for (String method : METHODS) {
                int k = sig.shadows().size();
                double[] full = calibrated(method, sig, column, pool, firstShadows(k), target, z);
                out.add(new AttackOutcome(sig.name(), sig.scenario(), sig.access(), method,
                        new ScoresCsv(ids, pool.targetIn(), full), metrics(method, sig, column, pool, k, target, z,
                                full, seed), null));
            }
            if (pool.features() != null) {
                double[][] candidates = Arrays.copyOf(pool.features(), n);
                double[][] population = Arrays.copyOfRange(pool.features(), n, n + pool.population());
                QuantileRegression qr = new QuantileRegression(seed);
                add(out, sig, qr.name(), ids, pool.targetIn(), qr.scores(population, z, candidates, target), seed);
            }
        }
        return out;
    }

    /** The scaling study of the calibrated audit: its config's metric, seed and shadow counts. */
    public static Map<String, List<MembershipMetrics>> byShadows(AuditSignals s) {
        return byShadows(s.signals(), s.calibration(), s.config().attacks().metric(), s.config().seed(),
                s.config().calibration().shadowCounts());
    }

    /**
     * How the shadow-calibrated attacks grow with the number of shadows.
     *
     * @param shadowCounts the numbers of shadows of the study, ascending
     * @return per calibrated outcome label ("SIGNAL · LiRA online", ...), the metrics (with bootstrap intervals)
     *     with the first k shadows for each k of shadowCounts
     */
    public static Map<String, List<MembershipMetrics>> byShadows(List<Signal> signals, Pool pool, String metric,
            long seed, List<Integer> shadowCounts) {
        int n = pool.candidates();
        Map<String, List<MembershipMetrics>> scaling = new LinkedHashMap<>();
        for (Signal sig : chooseTimesteps(signals, pool)) {
            int column = AuditScoring.thresholdColumn(metric, sig);
            double[] target = column(sig.target(), column, 0, n);
            double[] z = column(sig.target(), column, n, pool.population());
            for (int k : shadowCounts) {
                if (k > sig.shadows().size()) {
                    throw new IllegalArgumentException("the scaling study asks for " + k + " shadows, the audit has "
                            + sig.shadows().size());
                }
            }
            for (String method : METHODS) {
                List<MembershipMetrics> byK = new ArrayList<>();
                for (int k : shadowCounts) {
                    byK.add(metrics(method, sig, column, pool, k, target, z,
                            calibrated(method, sig, column, pool, firstShadows(k), target, z), seed));
                }
                scaling.put(sig.name() + " · " + method, List.copyOf(byK));
            }
        }
        return scaling;
    }

    /** SimA's timestep chosen on all shadows' candidate rows ({@link ShadowTimestepChoice}). */
    private static List<Signal> chooseTimesteps(List<Signal> signals, Pool pool) {
        List<boolean[]> labels = Arrays.asList(pool.shadowIn());
        return signals.stream().map(s -> ShadowTimestepChoice.reduce(s, labels)).toList();
    }

    /**
     * The metrics of a calibrated attack with the first k shadows: bootstrap replicates draw those k shadows and the
     * population samples with replacement and score again before resampling the candidates, so the intervals
     * carry the uncertainty of the shadows and of z, not only of the candidates.
     */
    private static MembershipMetrics metrics(String method, Signal sig, int column, Pool pool, int k, double[] target,
            double[] z, double[] scores, long seed) {
        return MembershipMetrics.compute(pool.targetIn(), scores, AuditScoring.BOOTSTRAPS, seed, rng -> {
            int[] shadows = new int[k];
            for (int m = 0; m < k; m++) {
                shadows[m] = rng.nextInt(k);
            }
            int[] rows = new int[z.length];
            double[] zb = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                rows[j] = rng.nextInt(z.length);
                zb[j] = z[rows[j]];
            }
            return calibrated(method, sig, column, pool, shadows, rows, target, zb);
        });
    }

    private static int[] firstShadows(int k) {
        return IntStream.range(0, k).toArray();
    }

    /** One calibrated attack's scores with the given shadows and every population sample. */
    private static double[] calibrated(String method, Signal sig, int column, Pool pool, int[] shadows,
            double[] target, double[] z) {
        return calibrated(method, sig, column, pool, shadows, IntStream.range(0, z.length).toArray(), target, z);
    }

    /** One calibrated attack's scores with the given shadows (repeats allowed) and population rows. */
    private static double[] calibrated(String method, Signal sig, int column, Pool pool, int[] shadows,
            int[] populationRows, double[] target, double[] z) {
        int n = pool.candidates();
        int k = shadows.length;
        boolean[][] in = new boolean[k][];
        double[][] shadowPool = new double[k][];
        double[][] shadowZ = new double[k][];
        for (int m = 0; m < k; m++) {
            in[m] = pool.shadowIn()[shadows[m]];
            shadowPool[m] = column(sig.shadows().get(shadows[m]), column, 0, n);
            double[] all = column(sig.shadows().get(shadows[m]), column, n, pool.population());
            shadowZ[m] = new double[populationRows.length];
            for (int j = 0; j < populationRows.length; j++) {
                shadowZ[m][j] = all[populationRows[j]];
            }
        }
        if (method.equals("RMIA")) {
            // the audit's signals (losses, PIA, SimA) are no log-probabilities: RMIA reads them through a Gaussian
            GaussianSignalLikelihood.LogProbabilities lp = GaussianSignalLikelihood.of(target, shadowPool, z, shadowZ);
            return new Rmia(1).scores(lp.target(), lp.references(), null, lp.populationTarget(),
                    lp.populationReferences());
        }
        double[][] t = new double[n][];
        double[][][] sh = new double[k][n][];
        for (int i = 0; i < n; i++) {
            t[i] = new double[] {target[i]};
            for (int m = 0; m < k; m++) {
                sh[m][i] = new double[] {shadowPool[m][i]};
            }
        }
        return new Lira(method.equals("LiRA online"), Lira.Variance.AUTO, false, false).scores(t, sh, in);
    }

    private static void add(List<AttackOutcome> out, Signal sig, String inference, List<String> ids, boolean[] labels,
            double[] scores, long seed) {
        out.add(new AttackOutcome(sig.name(), sig.scenario(), sig.access(), inference,
                new ScoresCsv(ids, labels, scores), MembershipMetrics.compute(labels, scores, AuditScoring.BOOTSTRAPS,
                        seed), null));
    }

    private static double[] column(double[][] rows, int column, int from, int count) {
        if (rows.length < from + count) {
            throw new IllegalArgumentException(rows.length + " signal rows for " + (from + count) + " samples");
        }
        double[] c = new double[count];
        for (int i = 0; i < count; i++) {
            c[i] = rows[from + i][column];
        }
        return c;
    }
}
