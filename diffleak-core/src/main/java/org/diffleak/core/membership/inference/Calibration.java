package org.diffleak.core.membership.inference;

import java.util.Locale;

/**
 * Calibrated membership scores from signals alone ({@link SignalsCsv}): LiRA online or offline and RMIA on the
 * shadow or reference models' signals, so that signals from any tool can be scored and the maths checked apart
 * from the models. Higher score = more likely member.
 */
public final class Calibration {

    /** The calibrated attacks. */
    public enum Method {
        LIRA_ONLINE("lira-online"),
        LIRA_OFFLINE("lira-offline"),
        RMIA("rmia");

        private final String id;

        Method(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Method parse(String s) {
            for (Method m : values()) {
                if (m.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown calibration method '" + s
                    + "': use lira-online, lira-offline or rmia");
        }
    }

    /**
     * @param variance LiRA's σ
     * @param oneSided LiRA offline: the paper's one-sided test instead of the code's two-sided density
     * @param gamma RMIA's γ ≥ 1
     * @param offlineA RMIA offline: the a of Pr(x) ≈ ((1+a)/2) Pr_OUT(x) + (1−a)/2 from OUT models only; NaN =
     *     online, every reference model
     * @param gaussianLikelihood RMIA: read the signals through {@link GaussianSignalLikelihood} instead of as
     *     log Pr(x | θ)
     */
    public record Options(Method method, Lira.Variance variance, boolean oneSided, double gamma, double offlineA,
            boolean gaussianLikelihood) {

        public Options {
            if (oneSided && method != Method.LIRA_OFFLINE) {
                throw new IllegalArgumentException("the one-sided test is a variant of lira-offline");
            }
            if (!Double.isNaN(offlineA) && method != Method.RMIA) {
                throw new IllegalArgumentException("--offline-a belongs to rmia");
            }
            if (gaussianLikelihood && method != Method.RMIA) {
                throw new IllegalArgumentException("--likelihood belongs to rmia");
            }
            if (gaussianLikelihood && !Double.isNaN(offlineA)) {
                throw new IllegalArgumentException("--offline-a interpolates probabilities of a log-prob signal;"
                        + " with --likelihood gaussian use online rmia");
            }
        }
    }

    private Calibration() {}

    public static double[] scores(SignalsCsv s, Options o) {
        return switch (o.method()) {
            case LIRA_ONLINE -> new Lira(true, o.variance(), false, true).scores(s.target(), s.shadows(), s.shadowIn());
            case LIRA_OFFLINE -> new Lira(false, o.variance(), o.oneSided(), true).scores(s.target(), s.shadows(),
                    s.shadowIn());
            case RMIA -> rmia(s, o);
        };
    }

    private static double[] rmia(SignalsCsv s, Options o) {
        if (s.target().length > 0 && s.target()[0].length != 1) {
            throw new IllegalArgumentException("rmia reads one signal per sample (log Pr(x|θ)), the file has "
                    + s.target()[0].length + " dims");
        }
        int k = s.shadows().length;
        double[] target = column(s.target());
        double[] z = column(s.populationTarget());
        double[][] refs = new double[k][];
        double[][] refsZ = new double[k][];
        for (int m = 0; m < k; m++) {
            refs[m] = column(s.shadows()[m]);
            refsZ[m] = column(s.populationShadows()[m]);
        }
        Rmia rmia = new Rmia(o.gamma());
        if (o.gaussianLikelihood()) {
            GaussianSignalLikelihood.LogProbabilities lp = GaussianSignalLikelihood.of(target, refs, z, refsZ);
            return rmia.scores(lp.target(), lp.references(), null, lp.populationTarget(), lp.populationReferences());
        }
        if (Double.isNaN(o.offlineA())) {
            return rmia.scores(target, refs, null, z, refsZ);
        }
        boolean[][] out = new boolean[k][target.length];
        for (int m = 0; m < k; m++) {
            for (int i = 0; i < target.length; i++) {
                out[m][i] = !s.shadowIn()[m][i];
            }
        }
        return rmia.offlineScores(target, refs, out, z, refsZ, o.offlineA());
    }

    private static double[] column(double[][] rows) {
        double[] c = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][0];
        }
        return c;
    }
}
