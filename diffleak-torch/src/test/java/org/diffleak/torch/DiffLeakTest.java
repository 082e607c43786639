package org.diffleak.torch;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.diffleak.core.config.AuditRequest;
import org.diffleak.core.report.AttackOutcome;
import org.diffleak.core.report.AuditReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library entry point as docs/audit-your-model.md shows it, on an imported TorchScript denoiser. */
class DiffLeakTest {

    @TempDir
    Path dir;

    private void pngs(Path folder, int n, SplittableRandom r) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 64; p++) {
                img.getRaster().setSample(p % 8, p / 8, 0, r.nextInt(256));
            }
            ImageIO.write(img, "png", folder.resolve("i" + i + ".png").toFile());
        }
    }

    @Test
    void auditsAnImportedModelFromJava() throws IOException {
        for (String f : List.of("tiny_denoiser.pt", "tiny_denoiser.json")) {
            try (var in = DiffLeakTest.class.getResourceAsStream("/fixtures/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        SplittableRandom r = new SplittableRandom(2);
        pngs(dir.resolve("members"), 6, r);
        pngs(dir.resolve("held-out"), 6, r);

        AuditRequest request = AuditRequest.of(dir.resolve("tiny_denoiser.pt").toString(),
                dir.resolve("members").toString(), dir.resolve("held-out").toString()).withAttacks(List.of("pia", "loss"));
        AuditReport report = DiffLeak.audit(request, dir.resolve("report"));

        assertThat(report.attacks()).extracting(AttackOutcome::name).containsExactly("loss", "PIA");
        for (AttackOutcome a : report.attacks()) {
            assertThat(a.metrics().auc()).isBetween(0.0, 1.0);
            assertThat(a.scores().scores()).hasSize(12);
            assertThat(java.util.Arrays.stream(a.scores().scores()).allMatch(Double::isFinite)).isTrue();
        }
        assertThat(dir.resolve("report/index.html")).isRegularFile();
        assertThat(dir.resolve("report/manifest.json")).content().contains("\"target\"").contains("tiny_denoiser.pt");
    }
}
