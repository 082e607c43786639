package org.diffleak.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.diffleak.core.data.DataException;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;

class AuditConfigTest {

    @Test
    void presetsParseAndTheNullPresetScoresAThousandCandidatesPerSide() {
        AuditConfig d = AuditConfig.preset("default");
        assertThat(d.scenario()).isEqualTo("fine-tune");
        assertThat(d.shadows()).isGreaterThanOrEqualTo(2);
        assertThat(d.attacks().labels()).containsExactly("true", "predicted");
        AuditConfig n = AuditConfig.preset("null");
        assertThat(n.nullTarget()).isTrue();
        assertThat(n.candidates()).isGreaterThanOrEqualTo(1000);
        AuditConfig a = AuditConfig.preset("ablations");
        assertThat(a.ablations()).extracting(AuditConfig.Ablation::parameter).contains("target.steps",
                "target.members", "reconstruction.steps", "reconstruction.strength", "metric", "shadows");
        for (AuditConfig.Ablation ab : a.ablations()) {
            for (String v : ab.values()) {
                assertThat(a.with(ab.parameter(), v).ablations()).isEmpty();
            }
        }
    }

    @Test
    void ablationsChangeOnlyTheirParameter() {
        AuditConfig d = AuditConfig.preset("default");
        AuditConfig v = d.with("reconstruction.strength", "0.5");
        assertThat(v.attacks().reconstruction().strength()).isEqualTo(0.5);
        assertThat(v.attacks().reconstruction().steps()).isEqualTo(d.attacks().reconstruction().steps());
        assertThat(v.target()).isEqualTo(d.target());
        assertThat(v.ablations()).isEmpty();
        assertThat(d.with("target.steps", "10").target().train().steps()).isEqualTo(10);
        assertThat(d.with("metric", "neg_l2").attacks().metric()).isEqualTo("neg_l2");
    }

    @Test
    void badValuesGiveOneLineNamingTheSource() {
        String yaml = new String(readPreset(), StandardCharsets.UTF_8).replace("shadows: 2", "shadows: 0");
        assertThatThrownBy(() -> Json.readYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                AuditConfig.class, "x.yaml")).isInstanceOf(DataException.class).hasMessageStartingWith("x.yaml: ")
                .hasMessageContaining("shadows must be ≥ 1");
        assertThatThrownBy(() -> AuditConfig.preset("nope")).hasMessageContaining("no preset named 'nope'");
    }

    private static byte[] readPreset() {
        try (var in = AuditConfig.class.getResourceAsStream("/configs/audit-default.yaml")) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
