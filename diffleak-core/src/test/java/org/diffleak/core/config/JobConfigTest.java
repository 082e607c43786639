package org.diffleak.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffleak.core.io.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

    @Test
    void presetsParse() {
        JobConfig tiny = JobConfig.preset("tiny");
        assertThat(tiny.model().channels()).isEqualTo(1);
        assertThat(tiny.train().steps()).isPositive();
        JobConfig base = JobConfig.preset("base");
        assertThat(base.model()).isEqualTo(UNetConfig.fashionMnistDefault());
        assertThat(base.schedule().build().steps()).isEqualTo(1000);
    }

    @Test
    void badFilesGiveOneLineNamingTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.yaml");
        Files.writeString(f, "name: x\nbogus: 1\n");
        assertThatThrownBy(() -> JobConfig.read(f)).isInstanceOf(DataException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining("bogus");
        String good = new String(JobConfigTest.class.getResourceAsStream("/configs/tiny.yaml").readAllBytes());
        Files.writeString(f, good.replace("emaDecay: 0.995", "emaDecay: 1.5"));
        assertThatThrownBy(() -> JobConfig.read(f)).isInstanceOf(DataException.class)
                .hasMessageContaining("EMA decay");
        assertThatThrownBy(() -> JobConfig.read(dir.resolve("missing.yaml"))).hasMessageContaining("no such config");
        assertThatThrownBy(() -> JobConfig.preset("huge")).hasMessageContaining("no preset");
    }

    @Test
    void warmupRampsLinearly() {
        TrainConfig t = new TrainConfig(100, 8, 1e-3, 10, 0, 1, 0.9, 0, 10, 0);
        assertThat(t.learningRateAt(0)).isEqualTo(1e-4);
        assertThat(t.learningRateAt(4)).isEqualTo(5e-4);
        assertThat(t.learningRateAt(10)).isEqualTo(1e-3);
        assertThat(t.learningRateAt(99)).isEqualTo(1e-3);
    }

    @Test
    void unetConfigValidates() {
        assertThatThrownBy(() -> new UNetConfig(2, 28, 32, java.util.List.of(1, 2), 1, false, 0, 8))
                .hasMessageContaining("channels");
        assertThatThrownBy(() -> new UNetConfig(1, 30, 32, java.util.List.of(1, 2, 4), 1, false, 0, 8))
                .hasMessageContaining("divisible by 4");
        assertThatThrownBy(() -> new UNetConfig(1, 28, 12, java.util.List.of(1), 1, false, 0, 8))
                .hasMessageContaining("GroupNorm");
    }
}
