package org.diffleak.core.membership.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every model rejects the same bad shadow input with the same readable messages. */
class MembershipInferenceInputTest {

    private static final List<MembershipInference> MODELS = List.of(new ThresholdInference(),
            new GaussianLikelihoodRatio(), new MlpInference(1));

    private static final double[][] GOOD = {{1, 0.5}, {2, 0.4}, {3, 0.1}, {4, 0.2}};
    private static final boolean[] LABELS = {true, true, false, false};

    @Test
    void names() {
        assertThat(MODELS).extracting(MembershipInference::name).containsExactly("threshold", "gaussian-lr", "mlp");
    }

    @Test
    void rejectsBadShadowData() {
        for (MembershipInference model : MODELS) {
            assertThatThrownBy(() -> model.fit(GOOD, new boolean[] {true, false}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("4 feature vectors but 2 labels");
            assertThatThrownBy(() -> model.fit(new double[0][], new boolean[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("no shadow samples");
            assertThatThrownBy(() -> model.fit(GOOD, new boolean[] {true, true, true, true}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got 4 members and 0 non-members");
            assertThatThrownBy(() -> model.fit(GOOD, new boolean[4]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got 0 members and 4 non-members");
            assertThatThrownBy(() -> model.fit(new double[][] {{1, 2}, {3}, {4, 5}, {6, 7}}, LABELS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("sample 1 has 1 features, sample 0 has 2");
            assertThatThrownBy(() -> model.fit(new double[][] {{1, 2}, {3, 4}, {4, Double.NaN}, {6, 7}}, LABELS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("sample 2: feature 1 is NaN");
            assertThatThrownBy(() -> model.fit(new double[][] {{}, {}, {}, {}}, LABELS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("feature vectors are empty");
        }
    }

    @Test
    void rejectsBadQueries() {
        for (MembershipInference model : MODELS) {
            MembershipInference.Fitted fit = model.fit(GOOD, LABELS);
            assertThat(fit.dimension()).isEqualTo(2);
            assertThatThrownBy(() -> fit.score(new double[] {1}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("model was fitted on 2 features, got 1");
            assertThatThrownBy(() -> fit.isMember(new double[] {1, Double.NaN}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("query: feature 1 is NaN");
        }
    }
}
