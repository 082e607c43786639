package org.diffleak.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.diffleak.core.diffusion.NoiseSchedule;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

class TableEncodingTest {

    static final Table T = new Table("t", List.of(
            new CategoricalColumn("sex", List.of("F", "M"), new int[] {1, 0, 0, 1, 0}),
            new NumericColumn("age", new double[] {20, 30, 40, 50, 60})));

    @Test
    void encodesNumericFirstThenCodesAndDecodesBackInTableOrder() throws Exception {
        TableEncoding enc = TableEncoding.fit(T);
        assertThat(enc.numeric()).isEqualTo(1);
        assertThat(enc.oneHot().width()).isEqualTo(2);
        TableEncoding.Encoded e = enc.encode(T);
        // age 40 is the median of 5 values: score 0
        assertThat(e.numeric()[2]).isCloseTo(0f, within(1e-6f));
        assertThat(e.codes()[0]).containsExactly(1, 0, 0, 1, 0);
        Table back = enc.decode("back", e);
        assertThat(back.names()).containsExactly("sex", "age");
        assertThat(((NumericColumn) back.column("age")).values()[1]).isCloseTo(30, within(1e-4));
        TableEncoding read = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(enc), TableEncoding.class);
        assertThat(read).isEqualTo(enc);
    }

    @Test
    void aLevelTheFitNeverSawIsNamed() {
        TableEncoding enc = TableEncoding.fit(T);
        Table other = new Table("o", List.of(new CategoricalColumn("sex", List.of("X"), new int[] {0}),
                new NumericColumn("age", new double[] {1})));
        assertThatThrownBy(() -> enc.encode(other)).hasMessage("o: column sex has level 'X', which the model never saw");
    }

    @Test
    void multinomialPosteriorByHand() {
        // T = 2 linear: β = (0.1, 0.2), ᾱ = (0.9, 0.72). K = 2, x₀ = level 0, x_t = level 1 at t = 1:
        // prior ᾱ_0 x₀ + 0.1/2 = (0.95, 0.05); step α_1 x_t + 0.2/2 = (0.1, 0.9); product (0.095, 0.045) → /0.14
        NoiseSchedule s = NoiseSchedule.linear(2, 0.1, 0.2);
        double[] q = MultinomialDiffusion.posterior(new double[] {1, 0}, 1, 1, s);
        assertThat(q[0]).isCloseTo(0.095 / 0.14, within(1e-12));
        assertThat(q[1]).isCloseTo(0.045 / 0.14, within(1e-12));
        // at t = 0 the posterior is x₀ weighted by the one step: x₀ = (½, ½), x_t = 0 → (0.95, 0.05)
        double[] q0 = MultinomialDiffusion.posterior(new double[] {0.5, 0.5}, 0, 0, s);
        assertThat(q0[0]).isCloseTo(0.95, within(1e-12));
        assertThat(MultinomialDiffusion.kl(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}))
                .isCloseTo(0.5 * Math.log(2) + 0.5 * Math.log(2.0 / 3), within(1e-15));
    }
}
