package org.diffleak.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrivacyAccountingTest {

    @Test
    void specialFunctionsMatchReferenceValues() {
        assertThat(SpecialFunctions.erfc(0.5)).isCloseTo(0.4795001221869535, within(1e-15));
        assertThat(SpecialFunctions.erfc(1)).isCloseTo(0.15729920705028513, within(1e-15));
        assertThat(SpecialFunctions.erfc(2) / 0.004677734981047266).isCloseTo(1, within(1e-13));
        assertThat(SpecialFunctions.erfc(3) / 2.209049699858544e-05).isCloseTo(1, within(1e-13));
        assertThat(SpecialFunctions.erfc(5) / 1.5374597944280349e-12).isCloseTo(1, within(1e-13));
        assertThat(SpecialFunctions.erfc(-1)).isCloseTo(1.8427007929497148, within(1e-15));
        // far tail: log erfc(x) = −x² − log(x√π) + log(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + …)
        double x = 30;
        double asym = -x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log1p(-1 / (2 * x * x) + 3 / (4 * Math.pow(x, 4)) - 15 / (8 * Math.pow(x, 6)));
        assertThat(SpecialFunctions.logErfc(x)).isCloseTo(asym, within(1e-9));
        assertThat(SpecialFunctions.normalQuantile(0.975)).isCloseTo(1.959963984540054, within(1e-12));
        assertThat(SpecialFunctions.normalQuantile(1e-10)).isCloseTo(-6.361340902404056, within(1e-9));
        assertThat(SpecialFunctions.normalCdf(SpecialFunctions.normalQuantile(0.3))).isCloseTo(0.3, within(1e-14));
    }

    @Test
    void opacusReferenceValue() {
        double[] orders = new double[31];
        for (int i = 0; i < 31; i++) {
            orders[i] = 2 + i;
        }
        RdpAccountant acc = new RdpAccountant(orders);
        acc.step(1.0, 1e-5, 10);
        acc.step(3.0, 1e-4, 4);
        RdpAccountant.Spent s = acc.spent(1e-5);
        assertThat(s.epsilon()).isCloseTo(0.336344, within(1e-6));
        assertThat(s.bestOrder()).isEqualTo(23);
    }

    /**
     * ε of Opacus 1.5 (git 4d0ebc8) on its default orders, produced by running its
     * accountants/analysis/rdp.py and gdp.py: {σ, q, T, δ, ε_RDP, best order, ε_GDP (Poisson)}.
     */
    static final double[][] OPACUS = {
        {1.0, 0.01, 1000, 1e-05, 2.1013652716430564, 7.8, 1.6177118087467202},
        {1.1, 0.004266666666666667, 15000, 1e-05, 2.6890277878010598, 7.9, 2.4101332300145173},
        {0.7, 0.02, 500, 1e-06, 8.774462492283254, 3.1, 5.775412844709715},
        {3.0, 0.5, 20, 1e-05, 3.7197549142783966, 6.0, 3.225935984486089},
        {2.0, 1.0, 10, 1e-05, 8.079406222420491, 3.9, 8.112042242751489},
        {0.5, 0.001, 100000, 1e-05, 14.570158170726522, 2.3, 11.989636691425444},
        {5.0, 0.1, 3000, 0.001, 4.01927785987034, 4.0, 3.558734694700876},
        {1.3, 0.064, 4000, 1e-05, 23.019719305850874, 2.2, 21.461576166383907},
    };

    @Test
    void equalOpacusToOneMillionthOnTheDefaultOrders() {
        for (double[] c : OPACUS) {
            RdpAccountant rdp = new RdpAccountant();
            rdp.step(c[0], c[1], (long) c[2]);
            RdpAccountant.Spent s = rdp.spent(c[3]);
            assertThat(s.epsilon()).as("RDP %s", java.util.Arrays.toString(c)).isCloseTo(c[4], within(1e-6 * c[4]));
            assertThat(s.bestOrder()).isCloseTo(c[5], within(1e-9));
            GdpAccountant gdp = new GdpAccountant();
            gdp.step(c[0], c[1], (long) c[2]);
            assertThat(gdp.epsilon(c[3])).as("GDP %s", java.util.Arrays.toString(c)).isCloseTo(c[6], within(1e-6 * c[6]));
        }
    }

    /** A_α = E_{z∼N(0,σ²)} [((1−q) + q e^{(2z−1)/(2σ²)})^α] by numerical integration: an independent check. */
    static double logAByQuadrature(double q, double sigma, double alpha) {
        double lo = -20 * sigma - 10;
        double hi = 20 * sigma + 10;
        int n = 400_000;
        double h = (hi - lo) / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double z = lo + i * h;
            double w = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2);
            double density = Math.exp(-z * z / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            double ratio = (1 - q) + q * Math.exp((2 * z - 1) / (2 * sigma * sigma));
            sum += w * density * Math.pow(ratio, alpha);
        }
        return Math.log(sum * h / 3);
    }

    @Test
    void integerAndFractionalOrdersMatchQuadrature() {
        for (double[] c : new double[][] {{0.01, 1.1, 2}, {0.01, 1.1, 7}, {0.05, 2.0, 3.5}, {0.01, 1.1, 2.3},
            {0.2, 4.0, 10.7}, {0.001, 0.8, 1.5}}) {
            double exact = RdpAccountant.logA(c[0], c[1], c[2]);
            assertThat(exact).as("q=%s σ=%s α=%s", c[0], c[1], c[2])
                    .isCloseTo(logAByQuadrature(c[0], c[1], c[2]), within(1e-7 + 1e-6 * Math.abs(exact)));
        }
        assertThat(RdpAccountant.logAFrac(0.02, 1.3, 5.000001))
                .isCloseTo(RdpAccountant.logAInt(0.02, 1.3, 5), within(1e-5));
    }

    @Test
    void moreStepsOrLessNoiseNeverLowersEpsilon() {
        double prev = 0;
        for (long steps : new long[] {1, 10, 100, 1000, 10000}) {
            RdpAccountant a = new RdpAccountant();
            a.step(1.0, 0.01, steps);
            double e = a.epsilon(1e-5);
            assertThat(e).isGreaterThanOrEqualTo(prev);
            prev = e;
        }
        prev = 0;
        for (double sigma : new double[] {8, 4, 2, 1, 0.7, 0.5}) {
            RdpAccountant a = new RdpAccountant();
            a.step(sigma, 0.01, 1000);
            double e = a.epsilon(1e-5);
            assertThat(e).isGreaterThan(prev);
            prev = e;
            GdpAccountant g = new GdpAccountant();
            g.step(sigma, 0.01, 1000);
            assertThat(g.epsilon(1e-5)).isFinite().isNotNegative();
        }
    }

    @Test
    void historyMergesAndRestores() {
        RdpAccountant a = new RdpAccountant();
        a.step(1.0, 0.01, 5);
        a.step(1.0, 0.01, 5);
        assertThat(a.history()).containsExactly(new Segment(1.0, 0.01, 10));
        RdpAccountant b = new RdpAccountant();
        b.restore(a.history());
        assertThat(b.epsilon(1e-5)).isEqualTo(a.epsilon(1e-5));
    }

    @Test
    void gaussianDp() {
        assertThat(GdpAccountant.mu(1.0, 0.01, 100)).isCloseTo(0.01 * Math.sqrt(100 * (Math.E - 1)), within(1e-15));
        // δ(0) = Φ(μ/2) − Φ(−μ/2)
        assertThat(GdpAccountant.delta(1.0, 0)).isCloseTo(2 * SpecialFunctions.normalCdf(0.5) - 1, within(1e-14));
        // direct formula at moderate values
        double mu = 0.8;
        double eps = 1.3;
        double direct = SpecialFunctions.normalCdf(-eps / mu + mu / 2)
                - Math.exp(eps) * SpecialFunctions.normalCdf(-eps / mu - mu / 2);
        assertThat(GdpAccountant.delta(mu, eps)).isCloseTo(direct, within(1e-14));
        for (double d : new double[] {1e-3, 1e-5, 1e-12}) {
            double e = GdpAccountant.epsilonForMu(mu, d);
            assertThat(GdpAccountant.delta(mu, e) / d).isCloseTo(1, within(1e-6));
        }
        // a μ of 0.5 with δ larger than δ(0) costs nothing
        assertThat(GdpAccountant.epsilonForMu(0.5, 0.5)).isZero();
        // tiny δ and large μ stay finite
        assertThat(GdpAccountant.epsilonForMu(20, 1e-300)).isFinite().isPositive();
    }

    @Test
    void calibrationHitsTheTargetFromBelow() {
        for (boolean rdp : new boolean[] {true, false}) {
            NoiseCalibration.Result r = NoiseCalibration.calibrate(rdp ? RdpAccountant::new : GdpAccountant::new,
                    8.0, 1e-5, 0.01, 2000, 0.01);
            assertThat(r.epsilon()).isBetween(7.99, 8.0);
            Accountant a = rdp ? new RdpAccountant() : new GdpAccountant();
            a.step(r.noiseMultiplier() * 0.99, 0.01, 2000);
            assertThat(a.epsilon(1e-5)).isGreaterThan(8.0);
        }
        assertThatThrownBy(() -> NoiseCalibration.calibrate(RdpAccountant::new, -1, 1e-5, 0.01, 10, 0.01))
                .hasMessageContaining("target ε");
    }

    @Test
    void empiricalEpsilon() {
        assertThat(EmpiricalEpsilon.lowerBound(100, 50, 0.05)).isZero();
        double e = EmpiricalEpsilon.lowerBound(100, 90, 0.05);
        assertThat(e).isPositive();
        double p = Math.exp(EmpiricalEpsilon.logTail(100, 90, 1 / (1 + Math.exp(-e))));
        assertThat(p).isCloseTo(0.05, within(1e-6));
        assertThat(EmpiricalEpsilon.lowerBound(1000, 900, 0.05)).isGreaterThan(e);
        assertThat(EmpiricalEpsilon.lowerBound(100, 100, 0.05)).isFinite().isPositive();
        // exact tail for a small case: P[Bin(3, 0.5) ≥ 2] = 1/2
        assertThat(Math.exp(EmpiricalEpsilon.logTail(3, 2, 0.5))).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void badInputIsRejectedWithClearMessages() {
        RdpAccountant a = new RdpAccountant();
        assertThatThrownBy(() -> a.step(0, 0.1, 1)).hasMessageContaining("σ");
        assertThatThrownBy(() -> a.step(1, 0, 1)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> a.step(1, 1.5, 1)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> a.step(1, 0.1, 0)).hasMessageContaining("steps");
        assertThatThrownBy(() -> a.step(Double.NaN, 0.1, 1)).hasMessageContaining("σ");
        a.step(1, 0.1, 1);
        assertThatThrownBy(() -> a.epsilon(0)).hasMessageContaining("δ");
        assertThatThrownBy(() -> a.epsilon(1)).hasMessageContaining("δ");
        assertThat(List.of(a.epsilon(1e-300), new GdpAccountant().epsilon(0.5))).allMatch(Double::isFinite);
    }
}
