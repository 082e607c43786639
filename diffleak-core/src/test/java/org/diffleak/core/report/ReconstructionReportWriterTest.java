package org.diffleak.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffleak.core.reconstruction.PriorBaseline;
import org.diffleak.core.reconstruction.ReRoBound;
import org.diffleak.core.reconstruction.ReconstructionResults;
import org.diffleak.core.reconstruction.ReconstructionResults.ImageMetrics;
import org.diffleak.core.reconstruction.ReconstructionResults.Level;
import org.diffleak.core.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructionReportWriterTest {

    private static Level level(double eps, double ssim) {
        int dim = 16;
        List<List<ImageMetrics>> metrics = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        for (int a = 0; a < 2; a++) {
            metrics.add(List.of(new ImageMetrics(0, 0.01, 20, ssim, 0.1, true),
                    new ImageMetrics(1, 0.03, Double.POSITIVE_INFINITY, ssim, 0.3, false)));
            float[] map = new float[dim];
            map[a] = 0.5f;
            maps.add(map);
        }
        List<float[]> panels = new ArrayList<>();
        for (int p = 0; p < 5; p++) {
            panels.add(new float[2 * dim]);
        }
        boolean exact = Double.isInfinite(eps);
        return new Level(eps, exact ? 0 : 1.5, exact ? 0 : 6, exact ? null : new ReRoBound.Estimate(0.2, 0.01, 1000),
                0.25, exact ? Double.POSITIVE_INFINITY : 0.7, 9, exact ? Double.POSITIVE_INFINITY : -9.5, 700, metrics,
                panels, 2, maps, new float[dim], new float[2 * dim], 3.5);
    }

    @Test
    void writesEveryNumberThePageShows(@TempDir Path dir) throws Exception {
        ReconstructionResults r = new ReconstructionResults(Map.of("mechanism_description", "test <release>"),
                new PriorBaseline.Kappa(0.01, 0.002, 0.05, -1, 0.02, 0.0, 0.01, 50), 0.02, List.of("naive", "diffusion"), 1, 4, 4,
                List.of(level(2, 0.3), level(Double.POSITIVE_INFINITY, 1)), 12.5);
        Path out = dir.resolve("rep");
        ReconstructionReportWriter.write(r, out);
        JsonNode j = Json.MAPPER.readTree(out.resolve(ReconstructionReportWriter.RESULTS).toFile());
        assertThat(j.get("levels")).hasSize(2);
        assertThat(j.get("levels").get(1).get("epsilon").asText()).isEqualTo("inf");
        assertThat(j.get("levels").get(0).get("rero_gamma_dpsgd").asDouble()).isEqualTo(0.2);
        assertThat(j.get("levels").get(0).get("attacks").get("diffusion").get("ssim").asDouble()).isEqualTo(0.3);
        assertThat(j.get("levels").get(0).get("attacks").get("naive").get("success_rate").asDouble()).isEqualTo(0.5);
        JsonNode diffusion = j.get("levels").get(0).get("attacks").get("diffusion");
        assertThat(diffusion.get("ssim_ci").get(0).asDouble()).isEqualTo(0.3);
        assertThat(diffusion.get("ssim_ci").get(1).asDouble()).isEqualTo(0.3);
        // encoder distances 0.1 and 0.3: similarity 0.8, its two-image bootstrap interval [0.7, 0.9]
        assertThat(diffusion.get("encoder_similarity").asDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(diffusion.get("encoder_similarity_ci").get(0).asDouble()).isCloseTo(0.7, within(1e-12));
        assertThat(diffusion.get("encoder_similarity_ci").get(1).asDouble()).isCloseTo(0.9, within(1e-12));
        assertThat(j.get("levels").get(0).get("error_maps").get("naive")).hasSize(16);
        assertThat(j.get("levels").get(1).get("prior_free_psnr").asText()).isEqualTo("inf");
        assertThat(j.get("levels").get(0).get("diffusion_seconds").asDouble()).isEqualTo(3.5);
        List<String> csv = Files.readAllLines(out.resolve(ReconstructionReportWriter.METRICS));
        assertThat(csv).hasSize(1 + 2 * 2 * 2);
        assertThat(csv.get(0)).isEqualTo("epsilon,image,attack,mse,psnr,ssim,encoder_distance,success");
        assertThat(csv).contains("2,1,diffusion,0.03,inf,0.3,0.3,0");
        String html = Files.readString(out.resolve(ReconstructionReportWriter.HTML));
        assertThat(html).contains("<svg", "ReRo γ (DP-SGD, MC)", "prior-free bound", "data:image/png;base64,",
                "test &lt;release&gt;", "0.2000 ± 0.0100").doesNotContain("<script", "http://", "https://");
        LinkedSection section = ReconstructionReportWriter.section(new ReconstructionResults(Map.of("images", 2),
                r.kappa(), r.eta(), r.attacks(), 1, 4, 4, r.levels(), 1), "reconstruction/index.html");
        assertThat(section.columns()).containsExactly("ε", "σ_eff (data scale)", "ReRo γ (Monte Carlo)", "SSIM naive",
                "SSIM diffusion", "encoder distance naive", "encoder distance diffusion");
        assertThat(section.rows()).containsExactly(List.of("2", "6.00", "0.2000 ± 0.0100", "0.300", "0.300", "0.200",
                "0.200"), List.of("∞", "0.00", "1", "1.000", "1.000", "0.200", "0.200"));
    }

    @Test
    void colourMapRunsFromDarkToBright() {
        var img = ReconstructionReportWriter.colourMap(new float[] {0, 0.5f, 1, 2}, 2, 2, 1);
        assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0x000004);
        assertThat(img.getRGB(0, 1) & 0xffffff).isEqualTo(0xfcfdbf).isEqualTo(img.getRGB(1, 1) & 0xffffff);
        assertThat(img.getRGB(1, 0) & 0xffffff).isEqualTo((183 << 16) | (55 << 8) | 121);
    }
}
