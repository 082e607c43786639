package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.diffleak.core.metrics.ScoresCsv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RMIA equals the authors' code (ml_privacy_meter research/2024_rmia aggregate_signals for online and γ,
 * modules/mia/attacks/rmia.py for offline a) on log-probability signals that code scored:
 * src/test/resources/reference/rmia (make_fixture.py, README.md). Scores are fractions of 300 population samples;
 * the closest pair lies 6.5e-7 from the threshold in log space, far above float64 rounding, so they agree
 * exactly.
 */
class RmiaReferenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "online-g1, ref0 ref1 ref2 ref3, 1, NaN",
        "online-g2, ref0 ref1 ref2 ref3, 2, NaN",
        "offline-a0.3-g1, ref4 ref5 ref6 ref7, 1, 0.3",
        "offline-a1-g1, ref4 ref5 ref6 ref7, 1, 1"})
    void scoresEqualTheReferenceCode(String name, String models, double gamma, double a) {
        List<String> population = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            population.add("z" + i);
        }
        SignalsCsv s = SignalsCsv.read(LiraReferenceTest.fixture("rmia/signals.csv"), population, true);
        List<String> use = List.of(models.split(" "));
        int k = use.size();
        double[][] refs = new double[k][];
        double[][] refsZ = new double[k][];
        boolean[][] out = new boolean[k][];
        for (int m = 0; m < k; m++) {
            int j = s.shadowNames().indexOf(use.get(m));
            refs[m] = column(s.shadows()[j]);
            refsZ[m] = column(s.populationShadows()[j]);
            out[m] = new boolean[s.candidates().size()];
            for (int i = 0; i < out[m].length; i++) {
                out[m][i] = !s.shadowIn()[j][i];
            }
        }
        double[] target = column(s.target());
        double[] z = column(s.populationTarget());
        double[] got = Double.isNaN(a) ? new Rmia(gamma).scores(target, refs, null, z, refsZ)
                : new Rmia(gamma).offlineScores(target, refs, out, z, refsZ, a);
        ScoresCsv want = ScoresCsv.read(LiraReferenceTest.fixture("rmia/scores-" + name + ".csv"));
        assertThat(s.candidates()).isEqualTo(want.ids());
        assertThat(got).containsExactly(want.scores());
    }

    private static double[] column(double[][] rows) {
        double[] c = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][0];
        }
        return c;
    }
}
