package org.diffleak.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.diffleak.core.io.DataException;
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
    void theDefaultAuditScoresItsFiftyMembersAgainstEnoughNonMembersToResolveLowFpr() {
        AuditConfig d = AuditConfig.preset("default");
        assertThat(d.candidates()).isEqualTo(d.target().members()).isEqualTo(50);
        assertThat(d.nonMemberCandidates()).isGreaterThanOrEqualTo(101);
        assertThat(d.with("metric", "neg_l2").nonMemberCandidates()).isEqualTo(d.nonMemberCandidates());
        assertThat(d.with("target.members", "20").nonMemberCandidates()).isEqualTo(d.nonMemberCandidates());
        // left out, it is the number of members scored
        assertThat(AuditConfig.preset("null").nonMemberCandidates()).isEqualTo(AuditConfig.preset("null").candidates());
        String yaml = new String(readPreset(), StandardCharsets.UTF_8).replace("nonMemberCandidates: 101",
                "nonMemberCandidates: 1001");
        assertThatThrownBy(() -> Json.readYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                AuditConfig.class, "x.yaml")).hasMessageContaining("nonMemberCandidates must be in [2, 1000]");
    }

    @Test
    void theFullPresetAddsTheReconstructionStudyToTheDefaultAudit() {
        AuditConfig d = AuditConfig.preset("default");
        AuditConfig f = AuditConfig.preset("full");
        assertThat(d.reconstruction()).isNull();
        assertThat(f.target()).isEqualTo(d.target());
        assertThat(f.attacks()).isEqualTo(d.attacks());
        assertThat(f.reconstruction().epsilonValues()).containsExactly(1, 2, 4, 8, 16, Double.POSITIVE_INFINITY);
        assertThat(f.reconstruction().images()).isEqualTo(100);
        assertThatThrownBy(() -> new AuditConfig.ReconstructionStudy(java.util.List.of("0"), 1, "image", 1, 1, 0, 1))
                .hasMessageContaining("ε must be a number > 0");
        assertThatThrownBy(() -> new AuditConfig.ReconstructionStudy(java.util.List.of("1"), 1, "pixels", 1, 1, 0, 1))
                .hasMessageContaining("image or gradient");
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

    @Test
    void theDpPresetSweepsEpsilonAndEachValueIsOneAuditTrainedWithDpSgd() {
        AuditConfig d = AuditConfig.preset("dp");
        assertThat(d.defense().epsilons()).containsExactly("1", "4", "8", "16", "inf");
        assertThat(d.defense().labels()).containsExactly("1", "4", "8", "16", "∞");
        assertThat(d.canaries().count()).isPositive();
        assertThat(d.target().dp()).isNull();
        AuditConfig eight = d.with("defense.epsilon", "8");
        assertThat(eight.target().dp()).isEqualTo(new DpSgdConfig(1.0, 0, 8, 1e-5, false));
        assertThat(eight.defense()).isNull();
        assertThat(eight.canaries()).isEqualTo(d.canaries());
        assertThat(eight.target().train()).isEqualTo(d.target().train());
        assertThat(d.with("defense.epsilon", "inf").target()).isEqualTo(d.target());
        assertThat(AuditConfig.preset("default").defense()).isNull();
        assertThat(AuditConfig.preset("default").canaries()).isNull();
        assertThatThrownBy(() -> AuditConfig.preset("default").with("defense.epsilon", "1"))
                .hasMessageContaining("needs a defense section");
    }

    @Test
    void badDefenseOrCanaryInputIsOneClearLine() {
        String dp = new String(readPreset("dp"), StandardCharsets.UTF_8);
        String[][] cases = {
            {"epsilons: [\"1\", \"4\", \"8\", \"16\", \"inf\"]", "epsilons: [\"0\"]",
                "defense.epsilons: ε must be a number > 0 or inf, got 0"},
            {"epsilons: [\"1\", \"4\", \"8\", \"16\", \"inf\"]", "epsilons: [\"-2\", \"inf\"]",
                "ε must be a number > 0 or inf, got -2"},
            {"epsilons: [\"1\", \"4\", \"8\", \"16\", \"inf\"]", "epsilons: [\"eight\"]",
                "defense.epsilons: 'eight' is not a number or inf"},
            {"epsilons: [\"1\", \"4\", \"8\", \"16\", \"inf\"]", "epsilons: [\"4\", \"4.0\"]",
                "lists ε = 4.0 twice"},
            {"delta: 1.0e-5", "delta: 1.5", "defense.delta must be in (0, 1), got 1.5"},
            {"delta: 1.0e-5", "delta: 0", "defense.delta must be in (0, 1), got 0.0"},
            {"clip: 1.0", "clip: -1", "defense.clip must be a finite number > 0, got -1.0"},
            {"kind: dpsgd", "kind: dropout", "defense.kind must be dpsgd, got dropout"},
            {"count: 64", "count: 1", "canaries.count must be ≥ 2, got 1"},
            {"kind: noise", "kind: shapes", "canaries.kind must be noise or mislabeled, got shapes"},
            {"count: 64, kind: noise", "count: 1900, kind: mislabeled",
                "1900 mislabeled canaries need auxiliary images beyond the 200"},
        };
        for (String[] c : cases) {
            String yaml = dp.replace(c[0], c[1]);
            assertThat(yaml).as(c[1]).isNotEqualTo(dp);
            assertThatThrownBy(() -> Json.readYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                    AuditConfig.class, "dp.yaml")).as(c[1]).isInstanceOf(DataException.class).hasMessageStartingWith("dp.yaml: ")
                    .hasMessageContaining(c[2]).hasMessageNotContaining("\n");
        }
        String unconditional = dp.replace("classes: 10", "classes: 0").replace("kind: noise", "kind: mislabeled");
        assertThatThrownBy(() -> Json.readYaml(new ByteArrayInputStream(unconditional.getBytes(
                StandardCharsets.UTF_8)), AuditConfig.class, "dp.yaml")).hasMessageContaining("mislabeled canaries need a"
                + " class-conditional target");
    }

    private static byte[] readPreset() {
        return readPreset("default");
    }

    private static byte[] readPreset(String name) {
        try (var in = AuditConfig.class.getResourceAsStream("/configs/audit-" + name + ".yaml")) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
