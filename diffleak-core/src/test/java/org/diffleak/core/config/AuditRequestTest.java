package org.diffleak.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRequestTest {

    @TempDir
    Path dir;

    @Test
    void aYamlWithAStringTargetIsARequestWithTheDefaultAttacks() throws IOException {
        Path yaml = dir.resolve("r.yaml");
        Files.writeString(yaml, "target: models/my-unet.pt\nmembers: data/in\nnonMembers: data/out.csv\n");
        assertThat(AuditRequest.isRequest(yaml)).isTrue();
        AuditRequest r = AuditRequest.read(yaml);
        assertThat(r.name()).isEqualTo("my-unet");
        assertThat(r.remote()).isFalse();
        assertThat(r.aux()).isNull();
        assertThat(r.attacks().families()).containsExactly("loss", "pia", "pian", "secmi", "sima", "reconstruction",
                "generation");
        assertThat(r.attacks().metric()).isEqualTo("ssim");
        assertThat(r.withAttacks(List.of("pia", "secmi")).attacks().families()).containsExactly("pia", "secmi");
        AuditRequest served = AuditRequest.of("http://127.0.0.1:8765", "a", "b");
        assertThat(served.remote()).isTrue();
        assertThat(served.name()).isEqualTo("127.0.0.1-8765");
        AuditRequest webUi = AuditRequest.of("a1111+https://gpu-box:7860/", "a", "b");
        assertThat(webUi.remote()).isTrue();
        assertThat(webUi.name()).isEqualTo("gpu-box-7860");
        Path trained = dir.resolve("t.yaml");
        Files.writeString(trained, "name: x\ntarget: {members: 50, classes: 0}\n");
        assertThat(AuditRequest.isRequest(trained)).isFalse();
    }

    @Test
    void inconsistentRequestsAreRefusedInOneLine() throws IOException {
        assertThatThrownBy(() -> AuditRequest.of("m.pt", "a", null)).hasMessageContaining("nonMembers");
        assertThatThrownBy(() -> AuditRequest.of("m.pt", "a", "b").withShadows("aux", null, 2))
                .hasMessageContaining("aux and shadowBase go together");
        assertThatThrownBy(() -> AuditRequest.of("m.pt", "a", "b").withAttacks(List.of("lira")))
                .hasMessageContaining("unknown attack 'lira'");
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(yaml, "target: m.pt\nmembers: a\nnonMembers: b\nattacks: {pia: {t: 200}, metric: encoder_cosine,"
                + " batch: 8}\n");
        assertThatThrownBy(() -> AuditRequest.read(yaml)).isInstanceOf(DataException.class)
                .hasMessageContaining("encoder_cosine");
    }
}
