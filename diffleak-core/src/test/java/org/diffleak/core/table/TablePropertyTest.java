package org.diffleak.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.diffleak.core.io.DataException;
import org.diffleak.core.property.ClassifierCountEstimator;
import org.diffleak.core.property.ExactShareSubset;
import org.diffleak.core.property.ShadowFeatures;
import org.diffleak.core.property.ShadowRegression;
import org.diffleak.core.property.ShareEstimate;
import org.junit.jupiter.api.Test;

class TablePropertyTest {

    /**
     * n rows: exactly round(p·n) of sex F (in seeded random order), x ~ N(1 if F else −1, 1), a level column, and a label y = 1 with
     * probability σ(2x) (so x predicts y and the property moves x's distribution).
     */
    static Table generated(int n, double p, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] sex = new int[n];
        double[] x = new double[n];
        int[] y = new int[n];
        int[] plan = new int[n];
        boolean[] female = ExactShareSubset.assignment(n, p, rng);
        for (int i = 0; i < n; i++) {
            sex[i] = female[i] ? 0 : 1;
            x[i] = (sex[i] == 0 ? 1 : -1) + rng.nextGaussian();
            y[i] = rng.nextDouble() < LogisticRegression.sigmoid(2 * x[i]) ? 1 : 0;
            plan[i] = rng.nextInt(3);
        }
        return new Table("generated.csv", List.of(new CategoricalColumn("y", List.of("no", "yes"), y),
                new CategoricalColumn("sex", List.of("F", "M"), sex), new NumericColumn("x", x),
                new CategoricalColumn("plan", List.of("a", "b", "c"), plan)));
    }

    @Test
    void parsesAndEvaluatesLevelsAndThresholds() {
        Table t = generated(200, 0.3, 1);
        TableProperty f = TableProperty.parse("sex=F");
        assertThat(f).isEqualTo(new TableProperty("sex", "=", "F"));
        assertThat(TableProperty.parse("x >= 0.5")).isEqualTo(new TableProperty("x", ">=", "0.5"));
        boolean[] has = f.evaluate(t);
        CategoricalColumn sex = (CategoricalColumn) t.column("sex");
        for (int i = 0; i < has.length; i++) {
            assertThat(has[i]).isEqualTo(sex.codes()[i] == 0);
        }
        double[] x = ((NumericColumn) t.column("x")).values();
        boolean[] pos = TableProperty.parse("x>0").evaluate(t);
        for (int i = 0; i < pos.length; i++) {
            assertThat(pos[i]).isEqualTo(x[i] > 0);
        }
    }

    @Test
    void badPropertiesAreOneClearLine() {
        Table t = generated(50, 0.3, 1);
        assertThatThrownBy(() -> TableProperty.parse("sex")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COLUMN=VALUE");
        assertThatThrownBy(() -> TableProperty.parse("x>abc")).hasMessageContaining("'abc' is not a number");
        assertThatThrownBy(() -> TableProperty.parse("gender=F").evaluate(t)).isInstanceOf(DataException.class)
                .hasMessage("generated.csv: no column named 'gender' for property gender=F; columns: y, sex, x, plan");
        assertThatThrownBy(() -> TableProperty.parse("sex=X").evaluate(t)).isInstanceOf(DataException.class)
                .hasMessage("generated.csv: column sex has no value 'X'; its values: F, M");
        assertThatThrownBy(() -> TableProperty.parse("sex>1").evaluate(t)).hasMessageContaining("is categorical");
        assertThatThrownBy(() -> TableProperty.parse("x>100").evaluateBothValues(t))
                .hasMessage("generated.csv: property x>100 holds for no row, so it has no share to infer");
    }

    @Test
    void estimatorsRecoverAKnownShareWithinTheirInterval() {
        TableProperty f = TableProperty.parse("sex=F");
        Table aux = generated(1000, 0.5, 7);
        TableEncoding enc = TableEncoding.fit(aux);
        boolean[] auxHas = f.evaluate(aux);
        ClassifierCountEstimator count = new ClassifierCountEstimator(auxHas, auxHas);
        double truth = 0.3;
        Table released = generated(1000, truth, 11);
        TablePropertyEvidence ev = TablePropertyEvidence.of(released, f, enc);
        ShareEstimate c = count.estimate(ev.has(), 400, new SplittableRandom(3));
        assertThat(c.share()).isEqualTo(c.raw());
        assertThat(truth).isBetween(c.lower(), c.upper());
        assertThat(c.error(truth)).isLessThan(0.04);

        double[] shares = {0.1, 0.3, 0.5, 0.7, 0.9};
        double[][] feats = new double[shares.length][];
        for (int k = 0; k < shares.length; k++) {
            TablePropertyEvidence s = TablePropertyEvidence.of(generated(1000, shares[k], 100 + k), f, enc);
            feats[k] = ShadowFeatures.of(s.probabilities(), s.features(), 2);
        }
        ShadowRegression reg = ShadowRegression.fit(feats, shares, 2, 1e-3);
        double target = 0.4;
        TablePropertyEvidence t = TablePropertyEvidence.of(generated(1000, target, 21), f, enc);
        ShareEstimate s = reg.estimate(t.probabilities(), t.features(), 400, new SplittableRandom(4));
        assertThat(target).isBetween(s.lower(), s.upper());
        assertThat(s.error(target)).isLessThan(0.05);
    }

    @Test
    void steeringRestrictsTheLevelAndProjectsTheScore() {
        Table t = generated(500, 0.3, 2);
        TableEncoding enc = TableEncoding.fit(t);
        boolean[] assign = {true, false};
        TablePropertySteering cat = TablePropertySteering.of(enc, TableProperty.parse("sex=F"), assign, 0);
        double[] pi = {0.2, 0.8};
        cat.restrictCategorical(0, 1, pi);
        assertThat(pi).containsExactly(1, 0);
        pi = new double[] {1, 0};
        cat.restrictCategorical(1, 1, pi);
        assertThat(pi).containsExactly(0, 1);
        double[] other = {0.2, 0.5, 0.3};
        cat.restrictCategorical(0, 2, other);
        assertThat(other).containsExactly(0.2, 0.5, 0.3);

        TableProperty above = TableProperty.parse("x>0.25");
        TablePropertySteering num = TablePropertySteering.of(enc, above, assign, 0);
        QuantileTransformer q = enc.columns().get(2).quantiles();
        for (double s = -5; s <= 5; s += 0.01) {
            assertThat(above.holds(q.fromNormal((float) num.projectNumeric(0, 0, s)))).isTrue();
            assertThat(above.holds(q.fromNormal((float) num.projectNumeric(1, 0, s)))).isFalse();
        }
        // scores already on their side stay where they are
        assertThat(num.projectNumeric(0, 0, 4.0)).isEqualTo(4.0);
        TableProperty below = TableProperty.parse("x<=-1");
        TablePropertySteering neg = TablePropertySteering.of(enc, below, assign, 0);
        assertThat(below.holds(q.fromNormal((float) neg.projectNumeric(0, 0, 3.0)))).isTrue();
        assertThat(below.holds(q.fromNormal((float) neg.projectNumeric(1, 0, -3.0)))).isFalse();
        assertThatThrownBy(() -> TablePropertySteering.of(enc, TableProperty.parse("x=1"), assign, 0))
                .hasMessageContaining("not an exact value");
    }

    @Test
    void logisticRegressionSolvesItsStationarityCondition() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 4000;
        double[][] x = new double[n][2];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = rng.nextGaussian();
            x[i][1] = rng.nextGaussian();
            y[i] = rng.nextDouble() < LogisticRegression.sigmoid(-0.5 + 1.5 * x[i][0] - 1.0 * x[i][1]);
        }
        double lambda = 2.0;
        LogisticRegression m = LogisticRegression.fit(x, y, lambda);
        double[] w = m.weights();
        // ∇L = −Σ (y − σ) x̃ + λ w_{1..} = 0 at the optimum
        double[] g = new double[3];
        for (int i = 0; i < n; i++) {
            double r = (y[i] ? 1 : 0) - m.probability(x[i]);
            g[0] -= r;
            g[1] -= r * x[i][0];
            g[2] -= r * x[i][1];
        }
        assertThat(g[0]).isCloseTo(0, within(1e-8));
        assertThat(g[1] + lambda * w[1]).isCloseTo(0, within(1e-8));
        assertThat(g[2] + lambda * w[2]).isCloseTo(0, within(1e-8));
        assertThat(w[0]).isCloseTo(-0.5, within(0.15));
        assertThat(w[1]).isCloseTo(1.5, within(0.15));
        assertThat(w[2]).isCloseTo(-1.0, within(0.15));
    }

    @Test
    void mlEfficacyBeatsTheMajorityOnRealRowsAndNotOnShuffledOnes() {
        Table train = generated(1500, 0.5, 8);
        Table test = generated(1000, 0.5, 9);
        MlEfficacy ml = MlEfficacy.rarestPositive(TableEncoding.fit(train), train, "y");
        MlEfficacy.Scores real = ml.evaluate(train, test);
        // y = 1 with σ(2x): the Bayes classifier (x > 0) is right ≈ 80% of the time here
        assertThat(real.accuracy()).isGreaterThan(0.75);
        assertThat(real.f1()).isGreaterThan(0.7);
        CategoricalColumn y = (CategoricalColumn) train.column("y");
        int[] shuffled = y.codes().clone();
        int[] perm = org.diffleak.core.util.Seeds.permutation(new SplittableRandom(1), shuffled.length);
        int[] out = new int[shuffled.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shuffled[perm[i]];
        }
        Table noise = new Table("noise", List.of(new CategoricalColumn("y", y.levels(), out), train.column("sex"),
                train.column("x"), train.column("plan")));
        assertThat(ml.evaluate(noise, test).accuracy()).isLessThan(real.accuracy() - 0.15);
    }
}
