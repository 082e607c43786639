package org.diffleak.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void failedWriteLeavesTheOldFileAndNoTemp(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("out.json");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        })).hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);
        }
    }

    @Test
    void directoryIsReplacedWhole(@TempDir Path dir) throws IOException {
        Path d = dir.resolve("model");
        AtomicFiles.writeDirectory(d, tmp -> Files.writeString(tmp.resolve("a"), "1"));
        AtomicFiles.writeDirectory(d, tmp -> Files.writeString(tmp.resolve("b"), "2"));
        assertThat(Files.exists(d.resolve("a"))).isFalse();
        assertThat(Files.readString(d.resolve("b"))).isEqualTo("2");
        assertThatThrownBy(() -> AtomicFiles.writeDirectory(d, tmp -> {
            throw new IOException("boom");
        })).hasMessageContaining("boom");
        assertThat(Files.readString(d.resolve("b"))).isEqualTo("2");
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(d);
        }
    }

    @Test
    void gridHasOnePixelPerImagePixel(@TempDir Path dir) throws IOException {
        float[] px = {0f, 1f, 1f, 0f, 0.5f, 0.5f, 0.5f, 0.5f};
        var img = ImageGrid.render(px, 2, 1, 2, 2, 2, 1);
        assertThat(img.getWidth()).isEqualTo(2 * 3 + 1);
        assertThat(img.getRGB(1, 1) & 0xff).isEqualTo(0);
        assertThat(img.getRGB(2, 1) & 0xff).isEqualTo(255);
        assertThat(img.getRGB(4, 1) & 0xff).isEqualTo(128);
        ImageGrid.writePng(dir.resolve("g.png"), px, 2, 1, 2, 2, 2);
        assertThat(javax.imageio.ImageIO.read(dir.resolve("g.png").toFile()).getHeight()).isEqualTo(2 + 2 + 2);
    }
}
