package org.diffleak.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CnnConfigTest {

    @Test
    void defaultHasTwoStagesAndAnEmbedding() {
        CnnConfig c = CnnConfig.defaultFor(3, 32, 10);
        assertThat(c.widths()).containsExactly(32, 64);
        assertThat(c.stages()).isEqualTo(2);
        assertThat(c.featureDim()).isEqualTo(128);
        assertThat(c.numClasses()).isEqualTo(10);
    }

    @Test
    void rejectsInconsistentArchitectures() {
        assertThatThrownBy(() -> new CnnConfig(2, 28, List.of(32), 128, 10, 8))
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> new CnnConfig(1, 28, List.of(), 128, 10, 8))
                .hasMessageContaining("widths");
        assertThatThrownBy(() -> new CnnConfig(1, 28, List.of(32, 60), 128, 10, 8))
                .hasMessageContaining("60 is not divisible by 8");
        assertThatThrownBy(() -> new CnnConfig(1, 4, List.of(8, 8, 8), 16, 10, 8))
                .hasMessageContaining("too small");
        assertThatThrownBy(() -> CnnConfig.defaultFor(1, 28, 1))
                .hasMessageContaining("at least 2 classes");
    }
}
