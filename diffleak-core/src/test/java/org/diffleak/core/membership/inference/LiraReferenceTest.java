package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.metrics.ScoresCsv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LiRA equals its published code (tensorflow/privacy research/mi_lira_2021/plot.py, generate_ours and
 * generate_ours_offline) on fixtures that code computed: src/test/resources/reference/lira (make_fixture.py ran
 * it; README.md there gives the commit and the formulas). Synthetic signals with per-example difficulty, LiRA's
 * balanced design, 1, 2, 16 and 64 shadows, one and three signal dimensions. The maths is the same, so the scores
 * agree to float64 rounding: 1e-9 relative.
 */
class LiraReferenceTest {

    /** A file of src/test/resources/reference, e.g. "lira/signals-m2.csv". */
    static Path fixture(String name) {
        try {
            return Path.of(LiraReferenceTest.class.getResource("/reference/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "m1-offline, offline, fixed",
        "m2, online, fixed", "m2, offline, fixed",
        "m16, online, fixed", "m16, offline, fixed",
        "m16-d3, online, fixed", "m16-d3, offline, fixed",
        "m64, online, fixed", "m64, offline, fixed",
        "m64, online, perexample", "m64, offline, perexample"})
    void scoresEqualTheReferenceCode(String cases, String method, String variance) {
        SignalsCsv s = SignalsCsv.read(fixture("lira/signals-" + cases + ".csv"), List.of(), false);
        ScoresCsv want = ScoresCsv.read(fixture("lira/scores-" + cases + "-" + method + "-" + variance + ".csv"));
        Lira.Variance v = variance.equals("fixed") ? Lira.Variance.GLOBAL : Lira.Variance.PER_EXAMPLE;
        double[] got = new Lira(method.equals("online"), v, false, true).scores(s.target(), s.shadows(), s.shadowIn());
        assertThat(s.candidates()).isEqualTo(want.ids());
        assertThat(s.labels()).containsExactly(want.labels());
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs(got[i] - want.scores()[i])).as(want.ids().get(i))
                    .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(want.scores()[i])));
        }
        // AUTO takes the reference's choice: fixed below 64 shadows, per example from 64
        if (variance.equals("fixed") == s.shadows().length < Lira.PER_EXAMPLE_FROM) {
            assertThat(Lira.reference(method.equals("online")).scores(s.target(), s.shadows(), s.shadowIn()))
                    .containsExactly(got);
        }
    }
}
